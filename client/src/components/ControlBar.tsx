import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionState } from '../state/sessionState';
import { CameraIcon, CameraOffIcon, LeaveIcon, MicIcon, MicOffIcon, ScreenIcon } from './Icons';

interface ControlBarProps {
  state: SessionState;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onToggleScreen: () => void;
  onLeave: () => void;
}

export function ControlBar({ state, onToggleMic, onToggleCamera, onToggleScreen, onLeave }: ControlBarProps) {
  const { t } = useTranslation();
  const sharing = state.screen.track !== null;
  return (
    <nav className="controls" aria-label={t('controls.label')}>
      <ToggleButton
        testId="toggle-mic"
        on={state.mic.enabled}
        busy={state.mic.busy}
        label={t('controls.microphone')}
        icon={state.mic.enabled ? <MicIcon /> : <MicOffIcon />}
        onClick={onToggleMic}
      />
      <ToggleButton
        testId="toggle-camera"
        on={state.camera.enabled}
        busy={state.camera.busy}
        label={t('controls.camera')}
        icon={state.camera.enabled ? <CameraIcon /> : <CameraOffIcon />}
        onClick={onToggleCamera}
      />
      <ToggleButton
        testId="share-screen"
        on={sharing}
        busy={state.screen.busy}
        label={sharing ? t('controls.stopSharing') : t('controls.shareScreen')}
        icon={<ScreenIcon />}
        onClick={onToggleScreen}
        highlightWhenOn
        alertWhenOff={false}
      />
      <button type="button" className="control control--leave" data-testid="leave" onClick={onLeave}>
        <LeaveIcon />
        <span>{t('controls.leave')}</span>
      </button>
    </nav>
  );
}

interface ToggleButtonProps {
  testId: string;
  /** aria-pressed: true while the device is on (or the screen is shared). */
  on: boolean;
  busy: boolean;
  label: string;
  icon: ReactNode;
  onClick: () => void;
  /** Screen sharing is shown as an active state; a microphone that is on is just normal. */
  highlightWhenOn?: boolean;
  /** A microphone or camera that is off is a warning; not sharing a screen is not. */
  alertWhenOff?: boolean;
}

function ToggleButton({
  testId,
  on,
  busy,
  label,
  icon,
  onClick,
  highlightWhenOn = false,
  alertWhenOff = true,
}: ToggleButtonProps) {
  const classes = [
    'control',
    on ? 'control--on' : 'control--off',
    on && highlightWhenOn ? 'control--active' : '',
    !on && alertWhenOff ? 'control--alert' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      className={classes}
      data-testid={testId}
      data-state={on ? 'on' : 'off'}
      aria-pressed={on}
      aria-busy={busy}
      disabled={busy}
      onClick={onClick}
    >
      {icon}
      <span>{label}</span>
    </button>
  );
}
