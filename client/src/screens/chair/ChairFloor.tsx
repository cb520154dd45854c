import { useTranslation } from 'react-i18next';
import type { FloorRequest } from '@concord/shared';
import { requestLabel, SpeakerCard, TypeBadge } from '../../components/panel/FloorView';
import { ArrowDownIcon, ArrowUpIcon } from '../../components/Icons';
import { useAction } from '../../state/controllerContext';
import { siteName, type ProceedingsView } from '../../state/proceedings';

/** Seconds "+1 min" adds to the running turn. */
const EXTEND_SECONDS = 60;

/** The chair's floor: the running turn and the queue, in grant order. */
export function ChairFloor({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const { speaker, queue, version } = view.proceedings;
  return (
    <section className="panel-section" aria-labelledby="chair-floor-heading">
      <h2 id="chair-floor-heading" className="panel-section__title">
        {t('chair.floorTitle')}
      </h2>
      <SpeakerCard view={view} />
      <div className="row-actions">
        <button
          type="button"
          className="button button--small"
          data-testid="end-turn"
          disabled={pending || !speaker}
          onClick={() => void act('floor:end', { expectedVersion: version })}
        >
          {t('chair.endTurn')}
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="extend-turn"
          disabled={pending || !speaker}
          onClick={() => void act('floor:extend', { expectedVersion: version, seconds: EXTEND_SECONDS })}
        >
          {t('chair.extend')}
        </button>
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="grant-next"
          disabled={pending || queue.length === 0}
          onClick={() => void act('floor:grant', { expectedVersion: version, requestId: null })}
        >
          {t('chair.grantNext')}
        </button>
      </div>
      <h3 className="panel-subtitle">{t('floor.queue')}</h3>
      {queue.length === 0 ? (
        <p className="panel-empty">{t('floor.queueEmpty')}</p>
      ) : (
        <ol className="queue" data-testid="chair-queue">
          {queue.map((request, index) => (
            <ChairQueueEntry key={request.id} view={view} request={request} index={index} />
          ))}
        </ol>
      )}
    </section>
  );
}

function ChairQueueEntry({ view, request, index }: { view: ProceedingsView; request: FloorRequest; index: number }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const { version, queue } = view.proceedings;
  const requestId = request.id;
  const move = (toIndex: number) => void act('floor:move', { expectedVersion: version, requestId, toIndex });
  return (
    <li
      className="queue__entry queue__entry--chair"
      data-testid="chair-queue-entry"
      data-request-id={requestId}
      data-site={siteName(view.session, request.siteId) ?? ''}
      data-type={request.type}
    >
      <span className="queue__index" aria-hidden="true">
        {index + 1}
      </span>
      <span className="queue__who">{requestLabel(view, request, t('floor.wholeSite'))}</span>
      <TypeBadge type={request.type} />
      <div className="row-actions row-actions--end">
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="grant-request"
          data-request-id={requestId}
          disabled={pending}
          onClick={() => void act('floor:grant', { expectedVersion: version, requestId })}
        >
          {t('chair.grant')}
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="move-request-up"
          data-request-id={requestId}
          aria-label={t('chair.moveUp')}
          title={t('chair.moveUp')}
          disabled={pending || index === 0}
          onClick={() => move(index - 1)}
        >
          <ArrowUpIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="move-request-down"
          data-request-id={requestId}
          aria-label={t('chair.moveDown')}
          title={t('chair.moveDown')}
          disabled={pending || index === queue.length - 1}
          onClick={() => move(index + 1)}
        >
          <ArrowDownIcon />
        </button>
        <button
          type="button"
          className="button button--small button--danger-quiet"
          data-testid="remove-request"
          data-request-id={requestId}
          disabled={pending}
          onClick={() => void act('floor:remove', { expectedVersion: version, requestId })}
        >
          {t('chair.remove')}
        </button>
      </div>
    </li>
  );
}
