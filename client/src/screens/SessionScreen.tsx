import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { assertUnreachable } from '../assert';
import { AlarmToast } from '../components/AlarmToast';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { ControlBar } from '../components/ControlBar';
import { CutOffBanner, YouHaveFloorBanner } from '../components/FloorBanners';
import { OverdueAlertBanner } from '../components/issues/OverdueAlertBanner';
import { MediaModeToast } from '../components/MediaModeToast';
import { ModerationToast } from '../components/ModerationToast';
import { NoticeToast } from '../components/NoticeToast';
import { ProceedingsPanel } from '../components/panel/ProceedingsPanel';
import { RemoteAudio } from '../components/RemoteAudio';
import { ScreenShareStage } from '../components/ScreenShareStage';
import { SessionHeader } from '../components/SessionHeader';
import { VideoGrid } from '../components/VideoGrid';
import { log } from '../logger';
import { ControllerContext } from '../state/controllerContext';
import { mayDo, mayUseMic, proceedingsView } from '../state/proceedings';
import type { SessionController } from '../state/SessionController';
import type { ViewState } from '../state/viewState';
import { useStore } from '../state/store';
import { buildScreenShares, buildTiles, remoteAudioTracks } from '../state/tiles';
import { CriticalAlertsProvider } from '../components/issues/CriticalAlerts';
import { CommanderBoard } from './commander/CommanderBoard';
import { RoomDisplay } from './RoomDisplay';
import { FloorOverlay } from '../components/FloorOverlay';
import { LobbyScreen } from './LobbyScreen';
import { OperatorBoard } from './operator/OperatorBoard';
import { FailedScreen, KickedScreen, LeftScreen } from './SessionEndScreens';

/** Below this width the side panel covers the stage, so it starts closed. */
const NARROW_SCREEN_QUERY = '(max-width: 900px)';

interface SessionScreenProps {
  controller: SessionController;
  onRejoin: () => void;
  onBack: () => void;
}

export function SessionScreen({ controller, onRejoin, onBack }: SessionScreenProps) {
  const state = useStore(controller.store);
  switch (state.phase) {
    case 'joining':
    case 'joined':
      return (
        <ControllerContext value={controller}>
          <LiveSession controller={controller} state={state} />
        </ControllerContext>
      );
    case 'lobby':
      return <LobbyScreen onLeave={() => void controller.leave()} />;
    case 'leaving':
    case 'left':
      return <LeftScreen leaving={state.phase === 'leaving'} onRejoin={onRejoin} />;
    case 'kicked':
      return <KickedScreen failure={state.failure} />;
    case 'failed':
      return <FailedScreen failure={state.failure} onBack={onBack} />;
    default:
      return assertUnreachable(state.phase);
  }
}

function LiveSession({ controller, state }: { controller: SessionController; state: ViewState }) {
  const { t } = useTranslation();
  const tiles = useMemo(() => buildTiles(state), [state]);
  const shares = useMemo(() => buildScreenShares(state), [state]);
  const audio = useMemo(() => remoteAudioTracks(state), [state]);
  const view = proceedingsView(state);
  // A commander works the issue queue on the main screen, an operator the health board: the
  // panel starts closed to give it the width.
  const commander = state.self?.role === 'commander';
  const operator = state.self?.role === 'operator';
  const [panelChoice, setPanelOpen] = useState<boolean | null>(null);
  const panelOpen = panelChoice ?? (!commander && !operator && !window.matchMedia(NARROW_SCREEN_QUERY).matches);
  const dismissNotice = useCallback((id: number) => controller.dismissNotice(id), [controller]);
  const dismissOverdue = useCallback((id: number) => controller.dismissOverdue(id), [controller]);
  const dismissModeration = useCallback((id: number) => controller.dismissModeration(id), [controller]);
  const dismissMediaMode = useCallback((id: number) => controller.dismissMediaModeNotice(id), [controller]);
  const dismissAlarm = useCallback((id: number) => controller.dismissAlarmNotice(id), [controller]);
  const run = (action: () => Promise<void>) => () => {
    action().catch((err: unknown) => log.error('a control failed', err));
  };
  const sharing = shares.length > 0;
  // A room's big screen: `?display=room` in the link, or the control bar's switch.
  const [roomDisplay, setRoomDisplay] = useState(
    () => new URLSearchParams(window.location.search).get('display') === 'room',
  );
  const micLocked = view !== null && !mayUseMic(view.proceedings, view.self, view.isChair);

  return (
    <CriticalAlertsProvider active={commander || state.isChair} issues={state.issues}>
      <div className="session" data-testid="session-screen" data-phase={state.phase}>
        {roomDisplay && view && state.phase !== 'joining' ? (
          <>
            <ConnectionBanner connection={state.connection} since={state.reconnectingSince} />
            <RoomDisplay view={view} tiles={tiles} onExit={() => setRoomDisplay(false)} />
          </>
        ) : (
          <>
            <SessionHeader state={state} />
            <ConnectionBanner connection={state.connection} since={state.reconnectingSince} />
            {view && <YouHaveFloorBanner view={view} />}
            {view && <CutOffBanner view={view} timeUpAt={state.timeUpAt} />}
            <OverdueAlertBanner alerts={state.overdueAlerts} issues={state.issues} onDismiss={dismissOverdue} />
            <div className="session__body">
              <main className={stageClass(commander, operator, sharing)}>
                {state.phase === 'joining' ? (
                  <div className="stage__placeholder" role="status">
                    <span className="spinner" aria-hidden="true" />
                    {state.connection === 'connecting' ? t('connection.connecting') : t('session.joining')}
                  </div>
                ) : operator ? (
                  <>
                    <div className="stage__media">
                      {sharing && <ScreenShareStage shares={shares} />}
                      <VideoGrid tiles={tiles} compact />
                    </div>
                    <OperatorBoard controls={mayDo(state, 'health.control')} sites={state.session?.sites} />
                  </>
                ) : commander && view ? (
                  <>
                    <div className="stage__media">
                      {sharing && <ScreenShareStage shares={shares} />}
                      <VideoGrid tiles={tiles} compact />
                    </div>
                    <CommanderBoard view={view} />
                  </>
                ) : (
                  <>
                    {sharing && <ScreenShareStage shares={shares} />}
                    <VideoGrid tiles={tiles} compact={sharing} overlay={view ? <FloorOverlay view={view} /> : null} />
                  </>
                )}
              </main>
              <ProceedingsPanel state={state} open={panelOpen} onClose={() => setPanelOpen(false)} />
            </div>
            <ControlBar
              state={state}
              onToggleMic={run(() => controller.toggleMic())}
              onToggleCamera={run(() => controller.toggleCamera())}
              onToggleScreen={run(() => controller.toggleScreenShare())}
              onLeave={run(() => controller.leave())}
              micLocked={micLocked}
              cameraLocked={state.mediaMode.mode === 'audio-only' || state.uplink === 'audio-only'}
              panelOpen={panelOpen}
              onTogglePanel={() => setPanelOpen(!panelOpen)}
              queueLength={view?.proceedings.queue.length ?? 0}
              onRoomDisplay={() => setRoomDisplay(true)}
            />
          </>
        )}
        <RemoteAudio tracks={audio} />
        <div className="toasts">
          <NoticeToast notice={state.notice} onDismiss={dismissNotice} />
          <ModerationToast notice={state.moderation} onDismiss={dismissModeration} />
          <MediaModeToast notice={state.mediaModeNotice} onDismiss={dismissMediaMode} />
          <AlarmToast notice={state.isChair ? state.alarmNotice : null} onDismiss={dismissAlarm} />
        </div>
      </div>
    </CriticalAlertsProvider>
  );
}

function stageClass(commander: boolean, operator: boolean, sharing: boolean): string {
  if (operator) {
    return 'stage stage--operator';
  }
  if (commander) {
    return 'stage stage--commander';
  }
  return sharing ? 'stage stage--sharing' : 'stage';
}
