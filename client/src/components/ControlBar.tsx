import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewState } from '../state/viewState';
import { CameraIcon, CameraOffIcon, LeaveIcon, LockIcon, MicIcon, MicOffIcon, PanelIcon, ScreenIcon } from './Icons';

interface ControlBarProps {
  state: ViewState;
  onToggleMic: () => void;
  onToggleCamera: () => void;
  onToggleScreen: () => void;
  onLeave: () => void;
  /** Floor mode: the server will not let this participant's microphone open now. */
  micLocked: boolean;
  /** Audio only: the operator holds our site's video off; the camera comes back with it. */
  cameraLocked: boolean;
  panelOpen: boolean;
  onTogglePanel: () => void;
  /** Requests waiting for the floor, shown on the panel button. */
  queueLength: number;
  /** Switches to the room display (a room's big screen). */
  onRoomDisplay?: () => void;
}

export function ControlBar({
  state,
  onToggleMic,
  onToggleCamera,
  onToggleScreen,
  onLeave,
  micLocked,
  cameraLocked,
  panelOpen,
  onTogglePanel,
  queueLength,
  onRoomDisplay,
}: ControlBarProps) {
  const { t } = useTranslation();
  const sharing = state.screen.track !== null;
  return (
    <nav className="controls" aria-label={t('controls.label')}>
      {micLocked && (
        <p className="controls__hint" data-testid="mic-locked-hint" id="mic-locked-hint">
          <LockIcon />
          {t('controls.micLockedHint')}
        </p>
      )}
      {cameraLocked && (
        <p className="controls__hint" data-testid="camera-locked-hint" id="camera-locked-hint">
          <LockIcon />
          {t('mediaMode.cameraLockedHint')}
        </p>
      )}
      <ToggleButton
        testId="toggle-mic"
        on={state.mic.enabled}
        busy={state.mic.busy}
        label={micLocked ? t('controls.micLocked') : t('controls.microphone')}
        icon={micLocked ? <LockIcon /> : state.mic.enabled ? <MicIcon /> : <MicOffIcon />}
        onClick={onToggleMic}
        locked={micLocked}
        describedBy={micLocked ? 'mic-locked-hint' : undefined}
      />
      <ToggleButton
        testId="toggle-camera"
        on={state.camera.enabled}
        busy={state.camera.busy}
        label={cameraLocked ? t('mediaMode.cameraLocked') : t('controls.camera')}
        icon={cameraLocked ? <LockIcon /> : state.camera.enabled ? <CameraIcon /> : <CameraOffIcon />}
        onClick={onToggleCamera}
        locked={cameraLocked}
        describedBy={cameraLocked ? 'camera-locked-hint' : undefined}
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
      <button
        type="button"
        className={panelOpen ? 'control control--active' : 'control'}
        data-testid="panel-toggle"
        aria-expanded={panelOpen}
        aria-controls="proceedings-panel"
        onClick={onTogglePanel}
      >
        <PanelIcon />
        <span>{t('controls.panel')}</span>
        {queueLength > 0 && (
          <span className="control__count" data-testid="queue-count">
            {queueLength}
          </span>
        )}
      </button>
      {onRoomDisplay && (
        <button type="button" className="control" data-testid="room-display-toggle" onClick={onRoomDisplay}>
          <ScreenIcon />
          <span>{t('room.toggle')}</span>
        </button>
      )}
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
  /** The server will refuse to turn it on now (floor mode); a click still explains why. */
  locked?: boolean;
  describedBy?: string | undefined;
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
  locked = false,
  describedBy,
}: ToggleButtonProps) {
  const classes = [
    'control',
    on ? 'control--on' : 'control--off',
    on && highlightWhenOn ? 'control--active' : '',
    !on && alertWhenOff && !locked ? 'control--alert' : '',
    locked ? 'control--locked' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      className={classes}
      data-testid={testId}
      data-state={on ? 'on' : 'off'}
      data-locked={locked ? 'true' : 'false'}
      aria-describedby={describedBy}
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
