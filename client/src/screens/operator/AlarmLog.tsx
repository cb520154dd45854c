import { useTranslation } from 'react-i18next';
import type { Alarm } from '@concord/shared';
import { useReasons, useTimeOfDay } from './format';

/** Entries shown; older cleared ones stay in memory but off the screen. */
const MAX_SHOWN = 50;

/** Every alarm of this session seen by this screen: open first, then cleared; newest first. */
export function AlarmLog({ alarms, clockOffsetMs }: { alarms: readonly Alarm[]; clockOffsetMs: number }) {
  const { t } = useTranslation();
  const timeOfDay = useTimeOfDay(clockOffsetMs);
  const reasons = useReasons();
  const open = alarms.filter((a) => a.clearedAt === null).length;
  return (
    <section
      className="board-panel alarm-log"
      data-testid="alarm-log"
      data-open-count={open}
      aria-labelledby="alarm-log-heading"
    >
      <h3 id="alarm-log-heading" className="board-panel__title">
        {t('health.alarms.title')}
      </h3>
      {alarms.length === 0 ? (
        <p className="muted">{t('health.alarms.empty')}</p>
      ) : (
        <ol className="alarm-log__list">
          {alarms.slice(0, MAX_SHOWN).map((a) => (
            <li
              key={a.id}
              className={a.clearedAt === null ? 'alarm-entry alarm-entry--open' : 'alarm-entry'}
              data-testid="alarm-entry"
              data-site-id={a.siteId}
              data-level={a.level}
              data-open={a.clearedAt === null ? 'true' : 'false'}
            >
              <span className={`alarm-entry__level alarm-entry__level--${a.level}`}>
                {t(`health.alarms.level.${a.level}`)}
              </span>
              <strong className="alarm-entry__site">{a.siteName}</strong>
              <span className="alarm-entry__reasons">{reasons(a.reasons)}</span>
              <span className="alarm-entry__times muted">
                <time>{t('health.alarms.raisedAt', { time: timeOfDay(a.raisedAt) })}</time>
                {' · '}
                {a.clearedAt === null ? (
                  <strong className="alarm-entry__open">{t('health.alarms.open')}</strong>
                ) : (
                  <time>{t('health.alarms.clearedAt', { time: timeOfDay(a.clearedAt) })}</time>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
