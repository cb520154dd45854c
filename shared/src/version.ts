/** Bumped on any incompatible change to events or payloads; the server refuses other versions. */
export const PROTOCOL_VERSION = 2;
