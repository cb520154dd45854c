import { useTranslation } from 'react-i18next';
import { currentItem, itemRemainingMs, siteName, speakerRemainingMs, type ProceedingsView } from '../state/proceedings';
import { useServerNow } from '../state/useServerNow';
import { Countdown } from './Countdown';

/**
 * Over the spotlighted tile, whatever the panel: who has the floor, their time left, the item
 * under discussion and its time left (what the room display shows, in small).
 */
export function FloorOverlay({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const speaker = view.proceedings.speaker;
  const item = currentItem(view.proceedings);
  const now = useServerNow(view.clockOffsetMs, speaker !== null);
  if (speaker === null) {
    return null;
  }
  const site = siteName(view.session, speaker.request.siteId);
  return (
    <div className="floor-overlay" data-testid="floor-overlay" aria-label={t('room.speaking')} role="status">
      <span className="floor-overlay__who" data-testid="floor-overlay-speaker">
        {[site, speaker.request.forSite || speaker.request.displayName === site ? null : speaker.request.displayName]
          .filter(Boolean)
          .join(' · ')}
      </span>
      <Countdown remainingMs={speakerRemainingMs(speaker, now)} testId="floor-overlay-remaining" />
      {item && (
        <span className="floor-overlay__item" data-testid="floor-overlay-item">
          {item.title}
          {item.startedAt !== null && (
            <>
              {' · '}
              <Countdown remainingMs={itemRemainingMs(item, now)} testId="floor-overlay-item-remaining" />
            </>
          )}
        </span>
      )}
    </div>
  );
}
