import { AppError, ClientErrorCode, type AppErrorCode } from '../state/errors';

export type CaptureKind = 'audio' | 'video';

/** 720p is plenty for a room camera and the top simulcast layer; 30 fps at most. */
const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};
const MIC_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};
/** Shared documents change slowly; a low frame rate leaves the bitrate for detail. */
const SCREEN_CONSTRAINTS: MediaTrackConstraints = { frameRate: { max: 15 } };

function mediaDevices(): MediaDevices {
  // Browsers hide navigator.mediaDevices outside a secure context (https or localhost).
  if (!('mediaDevices' in navigator)) {
    throw new AppError(ClientErrorCode.INSECURE_CONTEXT, 'media devices need a secure context');
  }
  return navigator.mediaDevices;
}

/** Opens one camera or microphone; `deviceId` null means the system default. */
export async function acquireTrack(kind: CaptureKind, deviceId: string | null): Promise<MediaStreamTrack> {
  const base = kind === 'audio' ? MIC_CONSTRAINTS : CAMERA_CONSTRAINTS;
  const constraints: MediaTrackConstraints = deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
  let stream: MediaStream;
  try {
    stream = await mediaDevices().getUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints });
  } catch (err) {
    throw toDeviceError(err);
  }
  const track = stream.getTracks()[0];
  if (!track) {
    throw new AppError(ClientErrorCode.DEVICE_NOT_FOUND, `no ${kind} track`);
  }
  return track;
}

/** Asks the user for a screen or window. Resolves null if the user cancels the picker. */
export async function acquireScreenTrack(): Promise<MediaStreamTrack | null> {
  let stream: MediaStream;
  try {
    stream = await mediaDevices().getDisplayMedia({ video: SCREEN_CONSTRAINTS, audio: false });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotAllowedError') {
      return null;
    }
    throw toDeviceError(err);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    throw new AppError(ClientErrorCode.DEVICE_ERROR, 'no screen track');
  }
  // A hint for the encoder: keep text sharp rather than motion smooth.
  track.contentHint = 'detail';
  return track;
}

export function isLive(track: MediaStreamTrack | null): track is MediaStreamTrack {
  return track !== null && track.readyState === 'live';
}

function toDeviceError(err: unknown): AppError {
  if (err instanceof AppError) {
    return err;
  }
  const name = err instanceof DOMException ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  return new AppError(deviceErrorCode(name), message);
}

function deviceErrorCode(name: string): AppErrorCode {
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return ClientErrorCode.DEVICE_DENIED;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return ClientErrorCode.DEVICE_NOT_FOUND;
    case 'NotReadableError':
    case 'AbortError':
      return ClientErrorCode.DEVICE_IN_USE;
    default:
      return ClientErrorCode.DEVICE_ERROR;
  }
}
