import { useTranslation } from 'react-i18next';
import type { SiteId } from '@concord/shared';
import { Countdown } from '../components/Countdown';
import { ParticipantTile } from '../components/ParticipantTile';
import { currentItem, itemRemainingMs, siteName, speakerRemainingMs, type ProceedingsView } from '../state/proceedings';
import type { TileModel } from '../state/tiles';
import { useServerNow } from '../state/useServerNow';

// A room's big screen (a TV across the room, a projector): the speaker large with site and
// name, the time left for the speaker and for the item in figures readable from the back
// (sized to the screen's height), the current item and the next two in the queue. Opened with
// `?display=room` in the link, or from the control bar.

export function RoomDisplay({
  view,
  tiles,
  onExit,
}: {
  view: ProceedingsView;
  tiles: TileModel[];
  onExit: () => void;
}) {
  const { t } = useTranslation();
  const { proceedings } = view;
  const speaker = proceedings.speaker;
  const item = currentItem(proceedings);
  const now = useServerNow(view.clockOffsetMs, speaker !== null || (item?.startedAt ?? null) !== null);
  // The speaker's tile, or the room's own picture of everyone while nobody has the floor.
  const main = tiles.filter((tile) => tile.spotlight);
  const shown = main.length > 0 ? main : tiles.filter((tile) => !tile.isSelf).slice(0, 4);
  const next = proceedings.queue.slice(0, 2);
  const site = (siteId: SiteId | null) => siteName(view.session, siteId) ?? '';

  return (
    <div className="room-display" data-testid="room-display">
      <main className={`room-display__stage room-display__stage--${Math.min(shown.length, 4)}`}>
        {shown.map((tile) => (
          <ParticipantTile key={tile.participant.id} tile={tile} />
        ))}
      </main>
      <aside className="room-display__facts">
        {speaker ? (
          <section className="room-display__speaker" data-testid="room-speaker">
            <span className="room-display__eyebrow">{t('room.speaking')}</span>
            <span className="room-display__site" data-testid="room-speaker-site">
              {site(speaker.request.siteId)}
            </span>
            <span className="room-display__name" data-testid="room-speaker-name">
              {speaker.request.displayName}
            </span>
            <Countdown
              remainingMs={speakerRemainingMs(speaker, now)}
              testId="room-speaker-remaining"
              className="room-display__clock"
            />
          </section>
        ) : (
          <p className="room-display__eyebrow" data-testid="room-no-speaker">
            {t('room.noSpeaker')}
          </p>
        )}
        {item && (
          <section className="room-display__item" data-testid="room-item">
            <span className="room-display__eyebrow">{t('agenda.current')}</span>
            <span className="room-display__item-title" data-testid="room-item-title">
              {item.title}
            </span>
            {item.startedAt !== null && (
              <Countdown
                remainingMs={itemRemainingMs(item, now)}
                testId="room-item-remaining"
                className="room-display__clock room-display__clock--item"
              />
            )}
          </section>
        )}
        {next.length > 0 && (
          <section className="room-display__next" data-testid="room-next">
            <span className="room-display__eyebrow">{t('room.next')}</span>
            <ol>
              {next.map((r) => (
                <li key={r.id} data-testid="room-next-entry">
                  {[site(r.siteId), r.forSite || r.displayName === site(r.siteId) ? null : r.displayName]
                    .filter(Boolean)
                    .join(' · ')}
                </li>
              ))}
            </ol>
          </section>
        )}
        <button
          type="button"
          className="button button--quiet room-display__exit"
          data-testid="room-exit"
          onClick={onExit}
        >
          {t('room.exit')}
        </button>
      </aside>
    </div>
  );
}
