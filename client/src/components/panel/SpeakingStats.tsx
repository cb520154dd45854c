import { useTranslation } from 'react-i18next';
import { formatClock, liveSpeakingTime, nameOf, NO_SITE_KEY, type ProceedingsView } from '../../state/proceedings';
import { useServerNow } from '../../state/useServerNow';

interface Row {
  key: string;
  label: string;
  ms: number;
}

/** Speaking time per site and per person over the whole session, the running turn included. */
export function SpeakingStats({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const p = view.proceedings;
  const now = useServerNow(view.clockOffsetMs, p.speaker !== null);
  const totals = liveSpeakingTime(p, now);

  // Every site of the session is listed, so a site that has not spoken shows as such.
  const sites: Row[] = view.session.sites.map((site) => ({
    key: site.id,
    label: site.name,
    ms: totals.bySite.get(site.id) ?? 0,
  }));
  const noSite = totals.bySite.get(NO_SITE_KEY);
  if (noSite !== undefined) {
    sites.push({ key: NO_SITE_KEY, label: t('stats.noSite'), ms: noSite });
  }
  const people: Row[] = [...totals.byParticipant.entries()]
    .filter(([, ms]) => ms > 0)
    .map(([id, ms]) => ({ key: id, label: nameOf(view, id) ?? t('stats.formerParticipant'), ms }))
    .sort((a, b) => b.ms - a.ms);
  const spoken = people.length > 0;

  return (
    <section className="panel-section" data-testid="speaking-stats" aria-labelledby="stats-heading">
      <h2 id="stats-heading" className="panel-section__title">
        {t('stats.title')}
      </h2>
      {!spoken && <p className="panel-empty">{t('stats.none')}</p>}
      <h3 className="panel-subtitle">{t('stats.bySite')}</h3>
      <StatRows rows={sites} testId="stats-site" idAttribute="data-site-id" />
      {spoken && (
        <>
          <h3 className="panel-subtitle">{t('stats.byPerson')}</h3>
          <StatRows rows={people} testId="stats-person" idAttribute="data-participant-id" />
        </>
      )}
    </section>
  );
}

function StatRows({ rows, testId, idAttribute }: { rows: Row[]; testId: string; idAttribute: string }) {
  const max = Math.max(1, ...rows.map((r) => r.ms));
  return (
    <ul className="stats">
      {rows.map((row) => (
        <li
          key={row.key}
          className="stats__row"
          data-testid={testId}
          {...{ [idAttribute]: row.key }}
          data-ms={Math.round(row.ms)}
        >
          <span className="stats__label">{row.label}</span>
          <span className="stats__bar" aria-hidden="true">
            <span style={{ width: `${(row.ms / max) * 100}%` }} />
          </span>
          <span className="stats__time" dir="ltr">
            {formatClock(row.ms)}
          </span>
        </li>
      ))}
    </ul>
  );
}
