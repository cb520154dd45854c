import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Participant, ParticipantId } from '@concord/shared';
import { ServerSwitch } from './ServerSwitch';
import { SessionStatusField } from './SessionStatusField';
import { useAction } from '../../state/controllerContext';
import { siteName, type ProceedingsView } from '../../state/proceedings';

/** The session's status, and who may come in: the lock, the waiting room and the people waiting in it. */
export function SessionControls({ view, lobby }: { view: ProceedingsView; lobby: readonly Participant[] }) {
  const { t } = useTranslation();
  const { act } = useAction();
  const { session } = view;
  return (
    <section className="panel-section" aria-labelledby="chair-session-heading">
      <h2 id="chair-session-heading" className="panel-section__title">
        {t('chair.sessionTitle')}
      </h2>
      <SessionStatusField view={view} />
      <ServerSwitch
        testId="lock-toggle"
        value={session.locked}
        onChange={(locked) => act('session:lock', { locked })}
        label={t('chair.lock')}
      />
      <ServerSwitch
        testId="lobby-toggle"
        value={session.lobby}
        onChange={(enabled) => act('lobby:setEnabled', { enabled })}
        label={t('chair.lobby')}
      />
      <h3 className="panel-subtitle">{t('chair.waiting')}</h3>
      {lobby.length === 0 ? (
        <p className="panel-empty" data-testid="lobby-empty">
          {t('chair.noneWaiting')}
        </p>
      ) : (
        <ul className="people" data-testid="lobby-list">
          {lobby.map((participant) => (
            <WaitingRow key={participant.id} view={view} participant={participant} />
          ))}
        </ul>
      )}
    </section>
  );
}

function WaitingRow({ view, participant }: { view: ProceedingsView; participant: Participant }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const participantId = participant.id;
  const site = siteName(view.session, participant.siteId) ?? t(`desks.${participant.role}`);
  return (
    <li className="people__row" data-testid="lobby-entry" data-participant-id={participantId}>
      <span className="people__name">{t('tile.label', { site, name: participant.displayName })}</span>
      <div className="row-actions row-actions--end">
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="admit"
          data-participant-id={participantId}
          disabled={pending}
          onClick={() => void act('lobby:admit', { participantId })}
        >
          {t('chair.admit')}
        </button>
        <button
          type="button"
          className="button button--small button--danger-quiet"
          data-testid="refuse"
          data-participant-id={participantId}
          disabled={pending}
          onClick={() => void act('lobby:refuse', { participantId })}
        >
          {t('chair.refuse')}
        </button>
      </div>
    </li>
  );
}

/** Gives the chair to another participant, after a confirmation. */
export function HandOver({ view }: { view: ProceedingsView }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [chosen, setChosen] = useState<ParticipantId | null>(null);
  const [confirming, setConfirming] = useState(false);
  const candidates = [...view.participants.values()].filter((p) => p.id !== view.self.id && p.role !== 'observer');
  const target = candidates.find((p) => p.id === chosen) ?? null;
  return (
    <section className="panel-section" aria-labelledby="chair-handover-heading">
      <h2 id="chair-handover-heading" className="panel-section__title">
        {t('chair.handOverTitle')}
      </h2>
      <label className="field">
        <span className="field__label">{t('chair.handOverTo')}</span>
        <select
          data-testid="hand-over-select"
          value={target?.id ?? ''}
          onChange={(e) => {
            setChosen(candidates.find((p) => p.id === e.target.value)?.id ?? null);
            setConfirming(false);
          }}
        >
          <option value="">{t('chair.choose')}</option>
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {t('tile.label', {
                site: siteName(view.session, p.siteId) ?? t(`desks.${p.role}`),
                name: p.displayName,
              })}
            </option>
          ))}
        </select>
      </label>
      {confirming && target ? (
        <div className="confirm" role="alertdialog" aria-labelledby="hand-over-question">
          <p id="hand-over-question">{t('chair.confirmHandOver', { name: target.displayName })}</p>
          <div className="row-actions">
            <button
              type="button"
              className="button button--small button--danger"
              data-testid="hand-over-confirm"
              disabled={pending}
              onClick={() =>
                void act('chair:handOver', { expectedVersion: view.proceedings.version, participantId: target.id })
              }
            >
              {t('chair.handOver')}
            </button>
            <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
              {t('chair.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className="button button--small"
          data-testid="hand-over"
          disabled={!target}
          onClick={() => setConfirming(true)}
        >
          {t('chair.handOver')}
        </button>
      )}
    </section>
  );
}
