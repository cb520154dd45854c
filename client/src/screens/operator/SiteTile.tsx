import { useTranslation } from 'react-i18next';
import type { ParticipantHealth, SiteHealth, SiteStatus } from '@concord/shared';
import { isAbsent } from '../../state/health';
import { useHealthFormat, useReasons } from './format';
import { MediaModeButtons } from './MediaModeButtons';
import { Sparkline } from './Sparkline';

const STATUS_RANK: Record<SiteStatus, number> = { ok: 0, degraded: 1, down: 2 };

interface SiteTileProps {
  site: SiteHealth;
  /** Uplink bitrate samples, oldest first. */
  history: readonly (number | null)[];
  /** The server's clock now (estimated), for "last heard"; null before the first board. */
  serverNow: number | null;
  /** The media mode buttons (`health.control`). */
  controls: boolean;
}

/** One city at a glance: big status colour, name and status word; the numbers behind it below. */
export function SiteTile({ site, history, serverNow, controls }: SiteTileProps) {
  const { t } = useTranslation();
  const format = useHealthFormat();
  const reasons = useReasons();
  const absent = isAbsent(site);
  // Back, and better than shown: the status holds until the site has been ok for the clearing time.
  const recovering = !absent && STATUS_RANK[site.measured.status] < STATUS_RANK[site.status];
  const heardAgo = site.lastHeardAt === null || serverNow === null ? null : serverNow - site.lastHeardAt;
  return (
    <article
      className="site-tile"
      data-testid="site-tile"
      data-site-id={site.siteId}
      data-status={site.status}
      data-absent={absent ? 'true' : 'false'}
      data-mode={site.mediaMode}
      data-path={site.path ?? ''}
      data-measured={site.measured.status}
      aria-label={`${site.name}: ${t(`health.status.${site.status}`)}`}
    >
      <header className="site-tile__head">
        <h3 className="site-tile__name">{site.name}</h3>
        <span className="site-tile__status" data-testid="site-status">
          {absent ? t('health.absent') : t(`health.status.${site.status}`)}
        </span>
      </header>
      <p className="site-tile__reasons" data-testid="site-reasons">
        {site.reasons.length > 0 ? reasons(site.reasons) : '\u00a0'}
        {recovering && (
          <span className="site-tile__recovering" data-testid="site-recovering">
            {t('health.recovering')}
          </span>
        )}
      </p>
      <dl className="site-tile__metrics">
        <div className="metric metric--wide">
          <dt>{t('health.metrics.uplink')}</dt>
          <dd>
            <span className="metric__value" data-testid="site-uplink">
              {format.bitrate(site.uplinkBitrate)}
            </span>
            <Sparkline samples={history} />
          </dd>
        </div>
        <Metric label={t('health.metrics.loss')} value={format.percent(site.lossPct)} testId="site-loss" />
        <Metric label={t('health.metrics.rtt')} value={format.ms(site.rttMs)} testId="site-rtt" />
        <Metric label={t('health.metrics.jitter')} value={format.ms(site.jitterMs)} testId="site-jitter" />
        <Metric label={t('health.metrics.lastHeard')} value={format.ago(heardAgo)} testId="site-last-heard" />
        <Metric
          label={t('health.metrics.path')}
          value={site.path === null ? t('health.unknown') : t(`health.path.${site.path}`)}
          testId="site-path"
        />
      </dl>
      <SiteParticipants participants={site.participants} />
      {controls && <MediaModeButtons siteId={site.siteId} mode={site.mediaMode} />}
    </article>
  );
}

function Metric({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="metric">
      <dt>{label}</dt>
      <dd className="metric__value" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function SiteParticipants({ participants }: { participants: readonly ParticipantHealth[] }) {
  const { t } = useTranslation();
  const format = useHealthFormat();
  if (participants.length === 0) {
    return <p className="site-people site-people--empty muted">{t('health.noParticipants')}</p>;
  }
  return (
    <ul className="site-people" aria-label={t('health.participants')}>
      {participants.map((p) => {
        const limitation = p.client?.qualityLimitationReason ?? null;
        return (
          <li
            key={p.participantId}
            className="site-people__row"
            data-testid="site-participant"
            data-participant-id={p.participantId}
            data-connection={p.connection}
            data-path={p.path ?? ''}
          >
            <span className="site-people__dot" data-connection={p.connection} aria-hidden="true" />
            <span className="site-people__name">{p.displayName}</span>
            <span className="site-people__state">{t(`health.connection.${p.connection}`)}</span>
            <span className="site-people__numbers">
              {t('health.participantStats', { rtt: format.ms(p.rttMs), loss: format.percent(p.lossPct) })}
            </span>
            {p.path !== null && (
              <span className="site-people__path" data-path={p.path}>
                {t(`health.path.${p.path}`)}
              </span>
            )}
            {limitation !== null && (
              <span className="site-people__limit" data-limitation={limitation}>
                {t(`health.limitation.${limitation}`)}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
