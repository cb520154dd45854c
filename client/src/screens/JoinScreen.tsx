import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TEXT_LIMITS, placeNodes, siteLabel, textProblem, type SessionInfoWire } from '@concord/shared';
import { CameraPreview } from '../components/CameraPreview';
import { ErrorMessage } from '../components/ErrorMessage';
import { AppTopbar } from '../components/AppTopbar';
import { MicLevelMeter } from '../components/MicLevelMeter';
import { Switch } from '../components/Switch';
import { useLocalTrack } from '../media/useLocalTrack';
import { useMediaDevices } from '../media/useMediaDevices';
import { instanceIdFor, type Invite } from '../state/invite';
import type { JoinOptions } from '../state/SessionController';
import { useSessionInfo } from '../state/useSessionInfo';

/** The invite's site, named in the UI language where the session gives it. */
function siteOfInvite(info: SessionInfoWire, language: string): string | null {
  const site = info.session.sites.find((s) => s.id === info.invite.siteId);
  return site === undefined ? info.invite.siteName : siteLabel(site, language);
}

const deviceIdOf = (track: MediaStreamTrack | null): string | null => track?.getSettings().deviceId ?? null;

interface JoinScreenProps {
  invite: Invite;
  onJoin: (options: JoinOptions) => void;
}

/** The device check before joining: session details, camera preview, microphone level, name. */
export function JoinScreen({ invite, onJoin }: JoinScreenProps) {
  const { t } = useTranslation();
  const info = useSessionInfo(invite.token);

  return (
    <div className="page" data-testid="join-screen">
      <AppTopbar />
      {info.status === 'error' ? (
        // An unusable link opens no camera: there is nothing to check the devices for.
        <main className="join join--single">
          <section className="card join__details">
            <h1>{t('join.cannotJoin')}</h1>
            <ErrorMessage code={info.error.code} testId="join-error" />
          </section>
        </main>
      ) : (
        <DeviceCheck invite={invite} info={info.status === 'ready' ? info.info : null} onJoin={onJoin} />
      )}
    </div>
  );
}

interface DeviceCheckProps {
  invite: Invite;
  /** Null while the session details load; joining waits for them. */
  info: SessionInfoWire | null;
  onJoin: (options: JoinOptions) => void;
}

function DeviceCheck({ invite, info, onJoin }: DeviceCheckProps) {
  const { t, i18n } = useTranslation();
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [micId, setMicId] = useState<string | null>(null);
  const camera = useLocalTrack('video', cameraId);
  const mic = useLocalTrack('audio', micId);
  const devices = useMediaDevices(camera.track, mic.track);
  // An operator watches the board rather than speaking: camera and microphone start off.
  const onByDefault = info?.invite.role !== 'operator';
  const [cameraChoice, setCameraOn] = useState<boolean | null>(null);
  const [micChoice, setMicOn] = useState<boolean | null>(null);
  const cameraOn = cameraChoice ?? onByDefault;
  const micOn = micChoice ?? onByDefault;
  const [nameDraft, setNameDraft] = useState<string | null>(null);

  const displayName = nameDraft ?? info?.invite.displayName ?? '';
  // The server's own text policy, so the form says which rule a name breaks.
  const nameProblem = textProblem(displayName, { min: 1, max: TEXT_LIMITS.name });
  const nameValid = nameProblem === null;
  const showNameError = info !== null && !nameValid;

  const join = (event: FormEvent) => {
    event.preventDefault();
    if (!info || !nameValid) {
      return;
    }
    onJoin({
      token: invite.token,
      placement: {
        servers: placeNodes(info.nodes, info.invite.region, window.location.origin),
        region: info.invite.region,
        pageOrigin: window.location.origin,
      },
      instanceId: instanceIdFor(invite),
      displayName: displayName.trim(),
      micEnabled: micOn,
      cameraEnabled: cameraOn,
      micDeviceId: micId ?? deviceIdOf(mic.track),
      cameraDeviceId: cameraId ?? deviceIdOf(camera.track),
      tracks: { mic: mic.detach(), camera: camera.detach() },
    });
  };

  return (
    <main className="join">
      <section className="card join__devices">
        <CameraPreview track={camera.track} off={!cameraOn} pending={camera.pending} />
        <MicLevelMeter track={mic.track} />

        <div className="device-grid">
          <DeviceField
            label={t('join.camera')}
            selectTestId="device-camera-select"
            devices={devices.cameras}
            value={cameraId ?? deviceIdOf(camera.track) ?? ''}
            onChange={(id) => setCameraId(id === '' ? null : id)}
          />
          <Switch testId="join-camera-toggle" checked={cameraOn} onChange={setCameraOn} label={t('join.cameraOn')} />
          {camera.error && <ErrorMessage code={camera.error} testId="camera-error" />}

          <DeviceField
            label={t('join.microphone')}
            selectTestId="device-mic-select"
            devices={devices.microphones}
            value={micId ?? deviceIdOf(mic.track) ?? ''}
            onChange={(id) => setMicId(id === '' ? null : id)}
          />
          <Switch testId="join-mic-toggle" checked={micOn} onChange={setMicOn} label={t('join.micOn')} />
          {mic.error && <ErrorMessage code={mic.error} testId="mic-error" />}
        </div>
      </section>

      <section className="card join__details">
        <h1>{t('join.title')}</h1>
        {info ? (
          <dl className="facts">
            <dt>{t('join.session')}</dt>
            <dd data-testid="join-session-title">{info.session.title}</dd>
            <dt>{t('join.site')}</dt>
            <dd data-testid="join-site-name">{siteOfInvite(info, i18n.language) ?? t(`desks.${info.invite.role}`)}</dd>
            <dt>{t('join.role')}</dt>
            <dd data-testid="join-role" data-role={info.invite.role}>
              {t(`roles.${info.invite.role}`)}
            </dd>
            <dt>{t('join.status')}</dt>
            <dd>{t(`sessionStatus.${info.session.status}`)}</dd>
          </dl>
        ) : (
          <p className="muted">{t('join.loading')}</p>
        )}

        <form className="join__form" onSubmit={join}>
          <label className="field">
            <span className="field__label">{t('join.displayName')}</span>
            <input
              type="text"
              data-testid="display-name-input"
              value={displayName}
              maxLength={80}
              autoComplete="name"
              aria-invalid={showNameError}
              onChange={(e) => setNameDraft(e.target.value)}
            />
            <span className={showNameError ? 'field__hint field__hint--error' : 'field__hint'}>
              {showNameError && nameProblem !== null ? t(`join.nameProblem.${nameProblem}`) : t('join.displayNameHint')}
            </span>
          </label>
          <button
            type="submit"
            className="button button--primary button--large"
            data-testid="join-button"
            disabled={!info || !nameValid}
          >
            {t('join.join')}
          </button>
        </form>
      </section>
    </main>
  );
}

interface DeviceFieldProps {
  label: string;
  selectTestId: string;
  devices: MediaDeviceInfo[];
  value: string;
  onChange: (deviceId: string) => void;
}

function DeviceField({ label, selectTestId, devices, value, onChange }: DeviceFieldProps) {
  const { t } = useTranslation();
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <select data-testid={selectTestId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('join.defaultDevice')}</option>
        {devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
