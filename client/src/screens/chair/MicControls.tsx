import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Participant, ParticipantId } from '@concord/shared';
import { MicIcon, MicOffIcon } from '../../components/Icons';
import { useAction } from '../../state/controllerContext';
import { siteName, type ProceedingsView } from '../../state/proceedings';

/** The chair's microphones: all but the floor, a whole site, or one participant; and removal. */
export function MicControls({ view, micOn }: { view: ProceedingsView; micOn: ReadonlySet<ParticipantId> }) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [muted, setMuted] = useState<number | null>(null);
  const others = [...view.participants.values()]
    .filter((p) => p.id !== view.self.id)
    .sort((a, b) => a.displayName.localeCompare(b.displayName));

  const muteAll = () => {
    void act('moderation:mute', { allButFloor: true }).then((outcome) =>
      setMuted(outcome.ok ? outcome.data.muted : null),
    );
  };

  return (
    <section className="panel-section" aria-labelledby="chair-mics-heading">
      <h2 id="chair-mics-heading" className="panel-section__title">
        {t('chair.micsTitle')}
      </h2>
      <div className="row-actions">
        <button
          type="button"
          className="button button--small button--primary"
          data-testid="mute-all-but-floor"
          disabled={pending}
          onClick={muteAll}
        >
          {t('chair.muteAllButFloor')}
        </button>
        {muted !== null && (
          <span className="muted" data-testid="muted-count" role="status">
            {t('chair.mutedCount', { count: muted })}
          </span>
        )}
      </div>
      <div className="row-actions">
        {view.session.sites.map((site) => (
          <button
            key={site.id}
            type="button"
            className="button button--small"
            data-testid="mute-site"
            data-site-id={site.id}
            disabled={pending}
            onClick={() => void act('moderation:mute', { siteId: site.id })}
          >
            <MicOffIcon />
            {t('chair.muteSite', { site: site.name })}
          </button>
        ))}
      </div>
      <h3 className="panel-subtitle">{t('chair.participantsTitle')}</h3>
      <ul className="people" data-testid="chair-participants">
        {others.map((participant) => (
          <ParticipantRow
            key={participant.id}
            view={view}
            participant={participant}
            micOn={micOn.has(participant.id)}
          />
        ))}
      </ul>
    </section>
  );
}

function ParticipantRow({
  view,
  participant,
  micOn,
}: {
  view: ProceedingsView;
  participant: Participant;
  micOn: boolean;
}) {
  const { t } = useTranslation();
  const { act, pending } = useAction();
  const [confirming, setConfirming] = useState(false);
  const participantId = participant.id;
  const site = siteName(view.session, participant.siteId) ?? t(`desks.${participant.role}`);
  return (
    <li
      className="people__row"
      data-testid="chair-participant"
      data-participant-id={participantId}
      data-mic={micOn ? 'on' : 'off'}
    >
      <span className="people__mic" aria-label={micOn ? t('controls.microphone') : t('tile.micOff')}>
        {micOn ? <MicIcon /> : <MicOffIcon />}
      </span>
      <span className="people__name">{t('tile.label', { site, name: participant.displayName })}</span>
      <span className="badge">{t(`roles.${participant.role}`)}</span>
      <div className="row-actions row-actions--end">
        {confirming ? (
          <>
            <button
              type="button"
              className="button button--small button--danger"
              data-testid="confirm-remove-participant"
              data-participant-id={participantId}
              disabled={pending}
              onClick={() => void act('moderation:remove', { participantId })}
            >
              {t('chair.confirmRemove')}
            </button>
            <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
              {t('chair.cancel')}
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="button button--small"
              data-testid="mute-participant"
              data-participant-id={participantId}
              disabled={pending || !micOn}
              onClick={() => void act('moderation:mute', { participantId })}
            >
              {t('chair.mute')}
            </button>
            <button
              type="button"
              className="button button--small button--danger-quiet"
              data-testid="remove-participant"
              data-participant-id={participantId}
              onClick={() => setConfirming(true)}
            >
              {t('chair.removeParticipant')}
            </button>
          </>
        )}
      </div>
    </li>
  );
}
