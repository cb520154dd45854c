import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemoteTrack } from '../media/MediaClient';
import { AudioPlayer } from './MediaViews';

/** Plays every remote audio track, and offers a button when the browser blocks autoplay. */
export function RemoteAudio({ tracks }: { tracks: RemoteTrack[] }) {
  const { t } = useTranslation();
  const [blocked, setBlocked] = useState(false);
  const [unlockKey, setUnlockKey] = useState(0);
  const onBlocked = useCallback(() => setBlocked(true), []);

  return (
    <>
      <div className="remote-audio" aria-hidden="true">
        {tracks.map((r) => (
          <AudioPlayer
            key={r.producerId}
            track={r.track}
            participantId={r.participantId}
            unlockKey={unlockKey}
            onBlocked={onBlocked}
          />
        ))}
      </div>
      {blocked && (
        <div className="audio-unlock" role="status">
          <span>{t('audio.blocked')}</span>
          <button
            type="button"
            className="button button--primary"
            data-testid="enable-audio"
            onClick={() => {
              setBlocked(false);
              setUnlockKey((k) => k + 1);
            }}
          >
            {t('audio.enable')}
          </button>
        </div>
      )}
    </>
  );
}
