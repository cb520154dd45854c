import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FLOOR_REQUEST_TYPES, type FloorRequest, type FloorRequestType } from '@concord/shared';
import { useAction, useController } from '../../state/controllerContext';
import {
  holdsFloor,
  isOwnRequest,
  mayDo,
  ownPosition,
  siteName,
  speakerRemainingMs,
  type ProceedingsView,
} from '../../state/proceedings';
import { useServerNow } from '../../state/useServerNow';
import { Countdown } from '../Countdown';
import { Switch } from '../Switch';

const isRequestType = (value: string): value is FloorRequestType => FLOOR_REQUEST_TYPES.some((t) => t === value);

/** The floor for everyone: who speaks, who waits, and one's own requests. */
export function FloorView({ view, unmuteOnFloor }: { view: ProceedingsView; unmuteOnFloor: boolean }) {
  const { t } = useTranslation();
  const { proceedings: p, self } = view;
  const position = ownPosition(p, self);
  const mayRequest = mayDo(view, 'floor.request');
  return (
    <section className="panel-section" aria-labelledby="floor-heading">
      <h2 id="floor-heading" className="panel-section__title">
        {t('floor.title')}
      </h2>
      <SpeakerCard view={view} />
      <h3 className="panel-subtitle">{t('floor.queue')}</h3>
      {position !== null && (
        <p className="floor-position" data-testid="floor-position" data-position={position}>
          {t('floor.position', { count: position, ordinal: true })}
        </p>
      )}
      <FloorQueue view={view} requests={p.queue} />
      {mayRequest && <RequestFloor view={view} unmuteOnFloor={unmuteOnFloor} />}
    </section>
  );
}

export function requestLabel(view: ProceedingsView, request: FloorRequest, wholeSite: string): string {
  const site = siteName(view.session, request.siteId);
  const name = request.forSite ? `${request.displayName} (${wholeSite})` : request.displayName;
  return site ? `${site} · ${name}` : name;
}

export function TypeBadge({ type }: { type: FloorRequestType }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge--${type}`} data-testid="request-type-badge" data-type={type}>
      {t(`floor.types.${type}`)}
    </span>
  );
}

export function SpeakerCard({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const speaker = view.proceedings.speaker;
  const now = useServerNow(view.clockOffsetMs, speaker !== null);
  const { act, pending } = useAction();
  if (!speaker) {
    return (
      <p className="panel-empty" data-testid="floor-nobody">
        {t('floor.nobody')}
      </p>
    );
  }
  const { request } = speaker;
  const remaining = speakerRemainingMs(speaker, now);
  const mine = holdsFloor(view.proceedings, view.self);
  return (
    <div
      className="speaker-card"
      data-testid="floor-speaker"
      data-request-id={request.id}
      data-participant-id={request.participantId}
      data-site={siteName(view.session, request.siteId) ?? ''}
      data-site-id={request.siteId ?? ''}
      data-for-site={request.forSite ? 'true' : 'false'}
    >
      <div className="speaker-card__who">
        <span className="eyebrow">{t('floor.speaker')}</span>
        <strong className="speaker-card__name">{requestLabel(view, request, t('floor.wholeSite'))}</strong>
        <TypeBadge type={request.type} />
      </div>
      <div className="speaker-card__timer">
        <Countdown remainingMs={remaining} testId="speaker-remaining" grace className="countdown--large" />
        {remaining < 0 && <span className="speaker-card__grace">{t('floor.grace')}</span>}
      </div>
      {mine && (
        <button
          type="button"
          className="button"
          data-testid="yield-floor"
          disabled={pending}
          onClick={() => void act('floor:yield', {})}
        >
          {t('floor.yield')}
        </button>
      )}
    </div>
  );
}

function FloorQueue({ view, requests }: { view: ProceedingsView; requests: readonly FloorRequest[] }) {
  const { t } = useTranslation();
  if (requests.length === 0) {
    return (
      <p className="panel-empty" data-testid="floor-queue-empty">
        {t('floor.queueEmpty')}
      </p>
    );
  }
  return (
    <ol className="queue" data-testid="floor-queue">
      {requests.map((request, index) => (
        <QueueEntry key={request.id} view={view} request={request} index={index} />
      ))}
    </ol>
  );
}

function QueueEntry({ view, request, index }: { view: ProceedingsView; request: FloorRequest; index: number }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const { self } = view;
  const own = isOwnRequest(request, self);
  const marker = request.participantId === self.id ? t('floor.you') : own ? t('floor.yourSite') : null;
  return (
    <li
      className={own ? 'queue__entry queue__entry--own' : 'queue__entry'}
      data-testid="floor-entry"
      data-request-id={request.id}
      data-participant-id={request.participantId}
      data-site={siteName(view.session, request.siteId) ?? ''}
      data-site-id={request.siteId ?? ''}
      data-type={request.type}
      data-for-site={request.forSite ? 'true' : 'false'}
      data-own={own ? 'true' : 'false'}
    >
      <span className="queue__index" aria-hidden="true">
        {index + 1}
      </span>
      <span className="queue__who">{requestLabel(view, request, t('floor.wholeSite'))}</span>
      <TypeBadge type={request.type} />
      {marker && (
        <span className="badge badge--you" data-testid="floor-entry-own">
          {marker}
        </span>
      )}
      {own && (
        <button
          type="button"
          className="button button--small"
          data-testid="withdraw-floor"
          data-request-id={request.id}
          disabled={pending}
          onClick={() => void act('floor:withdraw', { requestId: request.id })}
        >
          {t('floor.withdraw')}
        </button>
      )}
    </li>
  );
}

function RequestFloor({ view, unmuteOnFloor }: { view: ProceedingsView; unmuteOnFloor: boolean }) {
  const { t } = useTranslation();
  const controller = useController();
  const { act, pending } = useAction();
  const [type, setType] = useState<FloorRequestType>('speak');
  const [forSite, setForSite] = useState(false);
  const hasSite = view.self.siteId !== null;
  return (
    <div className="request-floor">
      <div className="request-floor__row">
        <label className="field request-floor__type">
          <span className="visually-hidden">{t('floor.requestType')}</span>
          <select
            data-testid="request-type"
            value={type}
            onChange={(e) => {
              if (isRequestType(e.target.value)) {
                setType(e.target.value);
              }
            }}
          >
            {FLOOR_REQUEST_TYPES.map((option) => (
              <option key={option} value={option}>
                {t(`floor.types.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button--primary"
          data-testid="request-floor"
          disabled={pending}
          onClick={() => void act('floor:request', { type, forSite: hasSite && forSite })}
        >
          {t('floor.request')}
        </button>
      </div>
      {hasSite && (
        <Switch testId="request-for-site" checked={forSite} onChange={setForSite} label={t('floor.forSite')} />
      )}
      <Switch
        testId="unmute-on-floor"
        checked={unmuteOnFloor}
        onChange={(checked) => controller.setUnmuteOnFloor(checked)}
        label={t('floor.unmuteOnFloor')}
      />
    </div>
  );
}
