import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { JoinSessionSchema } from '@concord/shared';
import { CameraPreview } from '../components/CameraPreview';
import { ErrorMessage } from '../components/ErrorMessage';
import { LanguageSwitcher } from '../components/LanguageSwitcher';
import { MicLevelMeter } from '../components/MicLevelMeter';
import { useLocalTrack } from '../media/useLocalTrack';
import { useMediaDevices } from '../media/useMediaDevices';
import { instanceIdFor, type Invite } from '../state/invite';
import type { JoinOptions } from '../state/SessionController';
import { useSessionInfo } from '../state/useSessionInfo';

const DisplayNameSchema = JoinSessionSchema.shape.displayName;

const deviceIdOf = (track: MediaStreamTrack | null): string | null => track?.getSettings().deviceId ?? null;

interface JoinScreenProps {
  invite: Invite;
  onJoin: (options: JoinOptions) => void;
}

/** The device check before joining: session details, camera preview, microphone level, name. */
export function JoinScreen({ invite, onJoin }: JoinScreenProps) {
  const { t } = useTranslation();
  const info = useSessionInfo(invite.token);
  const [cameraId, setCameraId] = useState<string | null>(null);
  const [micId, setMicId] = useState<string | null>(null);
  const camera = useLocalTrack('video', cameraId);
  const mic = useLocalTrack('audio', micId);
  const devices = useMediaDevices(camera.track, mic.track);
  const [cameraOn, setCameraOn] = useState(true);
  const [micOn, setMicOn] = useState(true);
  const [nameDraft, setNameDraft] = useState<string | null>(null);

  const displayName = nameDraft ?? (info.status === 'ready' ? info.info.invite.displayName : '');
  const nameValid = DisplayNameSchema.safeParse(displayName).success;
  const canJoin = info.status === 'ready' && nameValid;

  const join = (event: FormEvent) => {
    event.preventDefault();
    if (!canJoin) {
      return;
    }
    onJoin({
      token: invite.token,
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
    <div className="page" data-testid="join-screen">
      <header className="topbar">
        <div className="topbar__title">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <div className="topbar__meta">
          <LanguageSwitcher />
        </div>
      </header>

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
          <h1>{info.status === 'error' ? t('join.cannotJoin') : t('join.title')}</h1>

          {info.status === 'loading' && <p className="muted">{t('join.loading')}</p>}
          {info.status === 'error' && <ErrorMessage code={info.error.code} testId="join-error" />}
          {info.status === 'ready' && (
            <dl className="facts">
              <dt>{t('join.session')}</dt>
              <dd data-testid="join-session-title">{info.info.session.title}</dd>
              <dt>{t('join.site')}</dt>
              <dd data-testid="join-site-name">
                {info.info.invite.siteName ?? t(`desks.${info.info.invite.role}`)}
              </dd>
              <dt>{t('join.role')}</dt>
              <dd data-testid="join-role" data-role={info.info.invite.role}>
                {t(`roles.${info.info.invite.role}`)}
              </dd>
              <dt>{t('join.status')}</dt>
              <dd>{t(`sessionStatus.${info.info.session.status}`)}</dd>
            </dl>
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
                aria-invalid={info.status === 'ready' && !nameValid}
                onChange={(e) => setNameDraft(e.target.value)}
              />
              <span className={nameValid || info.status !== 'ready' ? 'field__hint' : 'field__hint field__hint--error'}>
                {nameValid || info.status !== 'ready' ? t('join.displayNameHint') : t('join.displayNameInvalid')}
              </span>
            </label>
            <button type="submit" className="button button--primary button--large" data-testid="join-button" disabled={!canJoin}>
              {t('join.join')}
            </button>
          </form>
        </section>
      </main>
    </div>
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

interface SwitchProps {
  testId: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
}

function Switch({ testId, checked, onChange, label }: SwitchProps) {
  return (
    <label className="switch">
      <span className="switch__control">
        <input
          type="checkbox"
          role="switch"
          data-testid={testId}
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span className="switch__track" aria-hidden="true" />
      </span>
      <span>{label}</span>
    </label>
  );
}
