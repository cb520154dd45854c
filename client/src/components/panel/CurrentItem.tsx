import { useTranslation } from 'react-i18next';
import { currentItem, itemRemainingMs, siteName, type ProceedingsView } from '../../state/proceedings';
import { useServerNow } from '../../state/useServerNow';
import { Countdown } from '../Countdown';

/** The item under discussion, with its timer. */
export function CurrentItem({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const item = currentItem(view.proceedings);
  const now = useServerNow(view.clockOffsetMs, item !== null && item.startedAt !== null);
  if (!item) {
    return (
      <p className="panel-empty" data-testid="no-current-item">
        {t('agenda.noCurrent')}
      </p>
    );
  }
  const remaining = itemRemainingMs(item, now);
  const site = siteName(view.session, item.presentingSiteId);
  return (
    <section className="current-item" data-testid="current-item" data-item-id={item.id}>
      <span className="eyebrow">{t('agenda.current')}</span>
      <h2 className="current-item__title" data-testid="current-item-title">
        {item.title}
      </h2>
      {site && (
        <p className="muted" data-testid="current-item-site">
          {t('agenda.presentedBy', { site })}
        </p>
      )}
      {item.description && <p className="current-item__description">{item.description}</p>}
      <div className="current-item__timer">
        <span className="muted">{remaining < 0 ? t('agenda.overTime') : t('agenda.remaining')}</span>
        <Countdown remainingMs={remaining} testId="item-remaining" className="countdown--large" />
      </div>
    </section>
  );
}
