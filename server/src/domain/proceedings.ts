// The empty proceedings of a new session live in shared/ (the client's tests use them too).
export { DEFAULT_FLOOR_SETTINGS, emptyProceedings } from '@concord/shared';
