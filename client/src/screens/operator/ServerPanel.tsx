import { useTranslation } from 'react-i18next';
import type { ServerHealth } from '@concord/shared';
import { useHealthFormat } from './format';

const COUNT_KEYS = ['sessions', 'rooms', 'participants', 'transports', 'producers', 'consumers'] as const;

/** The media workers, what they carry, and the two latencies that slow everything down. */
export function ServerPanel({ server }: { server: ServerHealth }) {
  const { t } = useTranslation();
  const format = useHealthFormat();
  return (
    <section className="board-panel server-panel" data-testid="server-panel" aria-labelledby="server-panel-heading">
      <h3 id="server-panel-heading" className="board-panel__title">
        {t('health.server.title')}
      </h3>
      {server.workers.length === 0 ? (
        <p className="muted">{t('health.server.noWorkers')}</p>
      ) : (
        <ul className="server-panel__workers">
          {server.workers.map((w, i) => (
            <li
              key={w.pid ?? `worker-${i}`}
              className="server-panel__worker"
              data-testid="server-worker"
              data-alive={w.alive ? 'true' : 'false'}
            >
              <span className="server-panel__dot" aria-hidden="true" />
              <strong>{t('health.server.worker', { pid: w.pid ?? '?' })}</strong>
              <span>{w.alive ? t('health.server.alive') : t('health.server.dead')}</span>
              <span className="muted">
                {t('health.server.cpu')} <bdi>{format.seconds(w.cpuMs)}</bdi>
              </span>
              <span className="muted">
                {t('health.server.memory')} <bdi>{format.megabytes(w.memoryKb)}</bdi>
              </span>
              <span className="muted">
                {t('health.server.routers')} <bdi>{w.routers}</bdi>
              </span>
            </li>
          ))}
        </ul>
      )}
      <dl className="server-panel__counts">
        {COUNT_KEYS.map((key) => (
          <div key={key} data-testid={`server-count-${key}`}>
            <dt>{t(`health.server.counts.${key}`)}</dt>
            <dd>{server.counts[key]}</dd>
          </div>
        ))}
        <div data-testid="server-event-loop-lag">
          <dt>{t('health.server.eventLoopLag')}</dt>
          <dd>{format.ms(server.eventLoopLagMs)}</dd>
        </div>
        <div data-testid="server-redis-rtt">
          <dt>{t('health.server.redisRtt')}</dt>
          <dd>{format.ms(server.redisRttMs)}</dd>
        </div>
      </dl>
    </section>
  );
}
