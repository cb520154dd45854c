import { useEffect, useRef } from 'react';
import { log } from '../logger';

interface VideoViewProps {
  track: MediaStreamTrack;
  testId: string;
  participantId?: string;
  /** The local camera is shown mirrored, as people expect to see themselves. */
  mirrored?: boolean;
  className?: string;
}

/** A silent video element for one track; sound always plays through `AudioPlayer`. */
export function VideoView({ track, testId, participantId, mirrored = false, className }: VideoViewProps) {
  const ref = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    // React sets only the `muted` property; the attribute is what autoplay rules and tests see.
    el.muted = true;
    el.setAttribute('muted', '');
    el.srcObject = new MediaStream([track]);
    el.play().catch((err: unknown) => log.info('video playback is waiting', err));
    return () => {
      el.srcObject = null;
    };
  }, [track]);

  const classes = ['video', mirrored ? 'video--mirrored' : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <video
      ref={ref}
      className={classes}
      data-testid={testId}
      data-participant-id={participantId}
      autoPlay
      muted
      playsInline
    />
  );
}

interface AudioPlayerProps {
  track: MediaStreamTrack;
  participantId: string;
  /** Bumped by a click on "turn sound on", to try playing again with the user's gesture. */
  unlockKey: number;
  onBlocked: () => void;
}

export function AudioPlayer({ track, participantId, unlockKey, onBlocked }: AudioPlayerProps) {
  const ref = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    el.srcObject = new MediaStream([track]);
    return () => {
      el.srcObject = null;
    };
  }, [track]);

  useEffect(() => {
    ref.current?.play().catch((err: unknown) => {
      // Autoplay with sound needs a user gesture first; the join click usually is one.
      if (err instanceof DOMException && err.name === 'NotAllowedError') {
        onBlocked();
      } else {
        log.info('audio playback is waiting', err);
      }
    });
  }, [track, unlockKey, onBlocked]);

  return <audio ref={ref} data-testid="remote-audio" data-participant-id={participantId} autoPlay />;
}
