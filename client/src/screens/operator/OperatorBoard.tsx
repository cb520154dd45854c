import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthUpdate, Site, SiteHealth, SiteStatus } from '@concord/shared';
import { useAction, useController } from '../../state/controllerContext';
import {
  HEALTH_STALE_AFTER_MS,
  alarmLog,
  boardSilenceMs,
  estimatedServerNow,
  isAbsent,
  type HealthBoard,
} from '../../state/health';
import { useStore } from '../../state/store';
import { useNow } from '../../state/useNow';
import { ServerSwitch } from '../chair/ServerSwitch';
import { AlarmLog } from './AlarmLog';
import { useTimeOfDay } from './format';
import { ServerPanel } from './ServerPanel';
import { SiteTile } from './SiteTile';

/** Fast enough that "board is stale" and "last heard" move on by themselves. */
const CLOCK_TICK_MS = 500;
const MS_PER_SECOND = 1_000;

/**
 * The operator's main view: one large tile per site, coloured by status so that a failing
 * city is seen from across the room, with the server and the alarm log beside them.
 * `controls`: with the operator's levers (media modes, the automatic policy: `health.control`).
 */
export function OperatorBoard({
  controls,
  sites,
}: {
  controls: boolean;
  /** The session's sites, named in the UI language (the board's names come from the server, in one). */
  sites: readonly Site[] | undefined;
}) {
  const { t } = useTranslation();
  const controller = useController();
  const board = useStore(controller.healthBoard);
  const named = (site: SiteHealth) => ({ ...site, name: sites?.find((s) => s.id === site.siteId)?.name ?? site.name });
  const now = useNow(CLOCK_TICK_MS);
  const [since] = useState(() => Date.now());
  const silenceMs = boardSilenceMs(board, since, now);
  const stale = silenceMs > HEALTH_STALE_AFTER_MS;
  const update = board.update;

  return (
    <section
      className="health-board"
      data-testid="operator-board"
      data-stale={stale ? 'true' : 'false'}
      aria-labelledby="health-board-heading"
    >
      <div className="health-board__header">
        <h2 id="health-board-heading" className="health-board__title">
          {t('health.boardTitle')}
        </h2>
        {update && <StatusTotals update={update} />}
        {update && <UpdatedAt board={board} update={update} />}
        {update && controls && <AutoPolicySwitch enabled={update.autoPolicy} />}
      </div>
      {stale && (
        <div className="health-board__stale" role="alert" data-testid="board-stale">
          <strong>{t('health.stale')}</strong>
          <span>{t('health.staleDetail', { seconds: Math.floor(silenceMs / MS_PER_SECOND) })}</span>
        </div>
      )}
      {update === null ? (
        <p className="stage__placeholder" role="status">
          <span className="spinner" aria-hidden="true" />
          {t('health.waiting')}
        </p>
      ) : (
        <div className="health-board__body">
          <div className="health-board__sites" aria-label={t('health.boardLabel')}>
            {update.sites.map((site) => (
              <SiteTile
                key={site.siteId}
                site={named(site)}
                history={board.bitrateHistory.get(site.siteId) ?? []}
                serverNow={estimatedServerNow(board, now)}
                controls={controls}
              />
            ))}
          </div>
          <aside className="health-board__side">
            <AlarmLog alarms={alarmLog(board)} clockOffsetMs={clockOffset(board)} />
            <ServerPanel server={update.server} />
          </aside>
        </div>
      )}
    </section>
  );
}

/** The server's clock minus ours, as the last board shows it (latency included; seconds matter here). */
const clockOffset = (board: HealthBoard): number =>
  board.update === null || board.receivedAt === null ? 0 : board.update.at - board.receivedAt;

const TOTALS: readonly (SiteStatus | 'absent')[] = ['down', 'degraded', 'ok', 'absent'];

function StatusTotals({ update }: { update: HealthUpdate }) {
  const { t } = useTranslation();
  const count = (status: SiteStatus | 'absent') =>
    update.sites.filter((s) => (status === 'absent' ? isAbsent(s) : s.status === status && !isAbsent(s))).length;
  return (
    <dl className="health-totals">
      {TOTALS.map((status) => (
        <div key={status} className="health-totals__item" data-status={status} data-testid={`health-total-${status}`}>
          <dt>{t(`health.totals.${status}`)}</dt>
          <dd>{count(status)}</dd>
        </div>
      ))}
    </dl>
  );
}

function UpdatedAt({ board, update }: { board: HealthBoard; update: HealthUpdate }) {
  const { t } = useTranslation();
  const timeOfDay = useTimeOfDay(clockOffset(board));
  return <span className="health-board__updated muted">{t('health.updatedAt', { time: timeOfDay(update.at) })}</span>;
}

function AutoPolicySwitch({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const { act } = useAction();
  return (
    <ServerSwitch
      testId="auto-policy-toggle"
      value={enabled}
      label={t('health.autoPolicy')}
      onChange={(next) => act('health:setAutoPolicy', { enabled: next })}
    />
  );
}
