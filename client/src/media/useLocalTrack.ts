import { useCallback, useEffect, useRef, useState } from 'react';
import { toAppError, type AppErrorCode } from '../state/errors';
import { acquireTrack, type CaptureKind } from './localMedia';

export interface LocalTrackState {
  track: MediaStreamTrack | null;
  error: AppErrorCode | null;
  pending: boolean;
}

export interface LocalTrack extends LocalTrackState {
  /**
   * Hands the track over to the caller: it is no longer stopped when the component
   * unmounts. Used to carry the previewed camera and microphone into the session.
   */
  detach(): MediaStreamTrack | null;
}

/** Opens a camera or microphone for as long as the component is mounted. */
export function useLocalTrack(kind: CaptureKind, deviceId: string | null): LocalTrack {
  const [state, setState] = useState<LocalTrackState>({ track: null, error: null, pending: true });
  const owned = useRef<MediaStreamTrack | null>(null);

  useEffect(() => {
    let cancelled = false;
    const onEnded = () => {
      if (!cancelled) {
        setState({ track: null, error: null, pending: false });
      }
    };
    acquireTrack(kind, deviceId).then(
      (track) => {
        if (cancelled) {
          track.stop();
          return;
        }
        owned.current = track;
        track.addEventListener('ended', onEnded);
        setState({ track, error: null, pending: false });
      },
      (err: unknown) => {
        if (!cancelled) {
          setState({ track: null, error: toAppError(err).code, pending: false });
        }
      },
    );
    return () => {
      cancelled = true;
      const track = owned.current;
      owned.current = null;
      track?.removeEventListener('ended', onEnded);
      track?.stop();
    };
  }, [kind, deviceId]);

  const detach = useCallback((): MediaStreamTrack | null => {
    const track = owned.current;
    owned.current = null;
    return track;
  }, []);

  return { ...state, detach };
}
