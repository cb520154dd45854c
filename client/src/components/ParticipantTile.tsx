import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { initials, type TileModel } from '../state/tiles';
import { MicOffIcon } from './Icons';
import { VideoView } from './MediaViews';

/** Sites get one of a few colours, in the session's order, so a city is recognisable at a glance. */
export const SITE_TONES = 8;

export function ParticipantTile({ tile, children }: { tile: TileModel; children?: ReactNode }) {
  const { t } = useTranslation();
  const { participant, isSelf } = tile;
  const site = tile.siteName ?? t(`desks.${participant.role}`);
  const reconnecting = participant.connection === 'reconnecting';
  const classes = [
    'tile',
    tile.activeSpeaker ? 'tile--speaking' : '',
    tile.spotlight ? 'tile--spotlight' : '',
    reconnecting ? 'tile--reconnecting' : '',
    isSelf ? 'tile--self' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      className={classes}
      data-testid="tile"
      data-participant-id={participant.id}
      data-site={tile.siteName ?? ''}
      data-role={participant.role}
      data-connection={participant.connection}
      data-active-speaker={tile.activeSpeaker ? 'true' : 'false'}
      data-spotlight={tile.spotlight ? 'true' : 'false'}
      data-self={isSelf ? 'true' : 'false'}
      data-tone={tile.siteIndex === null ? 'none' : String(tile.siteIndex % SITE_TONES)}
    >
      {tile.video ? (
        <VideoView
          track={tile.video}
          testId={isSelf ? 'local-video' : 'remote-video'}
          participantId={participant.id}
          mirrored={isSelf}
        />
      ) : (
        <div className="tile__avatar" aria-hidden="true">
          <span>{initials(participant.displayName)}</span>
        </div>
      )}
      {reconnecting && <div className="tile__status">{t('tile.reconnecting')}</div>}
      <div className="tile__footer">
        <span className="tile__label" data-testid="tile-label">
          {/* A room device named after its site ("Daraa", "درعا") is labelled once: "درعا", not "درعا · Daraa". */}
          {tile.namedAfterSite || participant.displayName.trim() === site
            ? site
            : t('tile.label', { site, name: participant.displayName })}
        </span>
        {isSelf && <span className="tile__badge">{t('tile.you')}</span>}
        {tile.micOff && (
          <span className="tile__mic-off" data-testid="mic-off-indicator">
            <MicOffIcon title={t('tile.micOff')} />
          </span>
        )}
      </div>
      {children}
    </div>
  );
}
