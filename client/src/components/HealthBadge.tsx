import { useTranslation } from 'react-i18next';
import type { Session } from '@concord/shared';
import { summaryCounts, type SiteSummary } from '../state/health';

interface HealthBadgeProps {
  summary: SiteSummary | null;
  sites: Session['sites'];
}

/**
 * The chair's view of the sites' connections: one chip per site, always in sight, that turns
 * amber when the site is degraded and red when it is down, and back when it recovers. The
 * chair sees a site change state, not a stream of notices. A site that never joined has a
 * hollow dot: absent is not failing.
 */
export function HealthBadge({ summary, sites }: HealthBadgeProps) {
  const { t } = useTranslation();
  const counts = summaryCounts(summary);
  const tone = counts.down > 0 ? 'down' : counts.degraded > 0 ? 'degraded' : 'ok';
  const nameOf = (siteId: string) => sites.find((s) => s.id === siteId)?.name ?? siteId;
  return (
    <div
      className="health-badge"
      role="group"
      aria-label={t('health.badge.label')}
      data-testid="health-badge"
      data-down={counts.down}
      data-degraded={counts.degraded}
      data-absent={counts.absent}
      data-tone={tone}
    >
      {summary === null ? (
        <span className="chip chip--muted">{t('health.badge.noData')}</span>
      ) : (
        summary.sites.map((site) => {
          const absent = site.status === 'down' && summary.absent.has(site.siteId);
          const word = absent ? t('health.absent') : t(`health.status.${site.status}`);
          return (
            <span
              key={site.siteId}
              className="chip site-chip"
              data-testid="health-site"
              data-site-id={site.siteId}
              data-status={site.status}
              data-absent={absent ? 'true' : 'false'}
              title={`${nameOf(site.siteId)}: ${word}`}
            >
              <span className="site-chip__dot" aria-hidden="true" />
              <span className="site-chip__name">{nameOf(site.siteId)}</span>
              {/* Said in words too, not by colour alone; ok and absent stay quiet. */}
              {site.status !== 'ok' && !absent ? (
                <span className="site-chip__status">{word}</span>
              ) : (
                <span className="visually-hidden">{word}</span>
              )}
            </span>
          );
        })
      )}
    </div>
  );
}
