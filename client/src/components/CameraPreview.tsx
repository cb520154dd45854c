import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { log } from '../logger';

interface CameraPreviewProps {
  track: MediaStreamTrack | null;
  /** The user chose to join with the camera off. */
  off: boolean;
  pending: boolean;
}

/** The device-check preview. The video element stays mounted so that it can be found at once. */
export function CameraPreview({ track, off, pending }: CameraPreviewProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    el.muted = true;
    el.setAttribute('muted', '');
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) {
      el.play().catch((err: unknown) => log.info('preview playback is waiting', err));
    }
    return () => {
      el.srcObject = null;
    };
  }, [track]);

  const overlay = off ? t('join.cameraOff') : pending ? t('join.cameraStarting') : null;
  return (
    <div className="preview">
      <video
        ref={ref}
        className="video video--mirrored"
        data-testid="camera-preview"
        data-camera-on={off ? 'false' : 'true'}
        autoPlay
        muted
        playsInline
        hidden={off || !track}
      />
      {overlay && <div className="preview__overlay">{overlay}</div>}
    </div>
  );
}
