import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Session } from '@concord/shared';
import { summaryCounts, type SiteSummary } from '../state/health';

interface HealthBadgeProps {
  summary: SiteSummary | null;
  sites: Session['sites'];
}

/**
 * The chair's view of the sites' connections: how many are down or degraded, red when any
 * is down; a click lists every site. Sites that never joined are counted apart: absent is
 * not failing.
 */
export function HealthBadge({ summary, sites }: HealthBadgeProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const counts = summaryCounts(summary);
  const tone = counts.down > 0 ? 'down' : counts.degraded > 0 ? 'degraded' : 'ok';

  useEffect(() => {
    if (!open) {
      return;
    }
    const onPointer = (e: PointerEvent) => {
      if (e.target instanceof Node && !root.current?.contains(e.target)) {
        setOpen(false);
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const nameOf = (siteId: string) => sites.find((s) => s.id === siteId)?.name ?? siteId;
  return (
    <div className="health-badge" ref={root}>
      <button
        type="button"
        className={`chip health-badge__button health-badge__button--${tone}`}
        data-testid="health-badge"
        data-down={counts.down}
        data-degraded={counts.degraded}
        data-absent={counts.absent}
        data-tone={tone}
        aria-expanded={open}
        aria-controls="health-badge-sites"
        aria-label={t('health.badge.label')}
        onClick={() => setOpen(!open)}
      >
        <span className="health-badge__dot" aria-hidden="true" />
        {counts.down + counts.degraded === 0
          ? t('health.badge.allOk')
          : t('health.badge.counts', { down: counts.down, degraded: counts.degraded })}
      </button>
      {open && (
        <div className="health-badge__popover" id="health-badge-sites" data-testid="health-sites">
          <h2 className="health-badge__title">{t('health.badge.sitesTitle')}</h2>
          {summary === null ? (
            <p className="muted">{t('health.badge.noData')}</p>
          ) : (
            <ul className="health-badge__list">
              {summary.sites.map((site) => {
                const absent = site.status === 'down' && summary.absent.has(site.siteId);
                return (
                  <li
                    key={site.siteId}
                    className="health-badge__site"
                    data-testid="health-site"
                    data-site-id={site.siteId}
                    data-status={site.status}
                    data-absent={absent ? 'true' : 'false'}
                  >
                    <span className="health-badge__site-dot" aria-hidden="true" />
                    <span className="health-badge__site-name">{nameOf(site.siteId)}</span>
                    <span className="health-badge__site-status">
                      {absent ? t('health.absent') : t(`health.status.${site.status}`)}
                    </span>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
