import { z } from 'zod';
import {
  ErrorCode,
  orderIssues,
  type Alarm,
  type HealthUpdate,
  type Issue,
  type IssueId,
  type IssueSettings,
  type IssuesUpdate,
  type MediaMode,
  type MediaSource as MediaSourceKind,
  type MuteReason,
  type Participant,
  type ParticipantId,
  type ProceedingsUpdate,
  type ProducerInfo,
  type Proceedings,
  type Session,
  type SessionSnapshot,
} from '@concord/shared';
import { CAMERA_TOP_LAYER, MediaClient, type ConsumerStats } from '../media/MediaClient';
import { acquireScreenTrack, acquireTrack, isLive, type CaptureKind } from '../media/localMedia';
import { log } from '../logger';
import type { RequestPayload, RequestReply } from '../protocol';
import {
  AppError,
  ClientErrorCode,
  ErrorCodeSchema,
  isTransient,
  parseErrorCode,
  toAppError,
  type AppErrorCode,
} from './errors';
import { createSocket, Signaling, type ConcordSocket, type SessionRequest } from './signaling';
import {
  initialSessionState,
  withEntry,
  withoutEntries,
  type KickReason,
  type LocalSource,
  type MediaModeSource,
  type OverdueAlert,
  type SessionState,
} from './sessionState';
import { serverNow } from './proceedings';
import { Store } from './store';
import type { IssueDraft } from './issues';
import {
  EMPTY_HEALTH_BOARD,
  applyAlarm,
  applyHealthUpdate,
  applySummary,
  sameSummary,
  summaryFromUpdate,
  type HealthBoard,
  type SiteStatusEntry,
  type SiteSummary,
} from './health';
import { StatsReporter } from './statsReporter';

/** How a request sent with `act` ended (many replies are `null`, so null cannot mean failure). */
export type ActOutcome<T> = { ok: true; data: T } | { ok: false; code: AppErrorCode };

export interface JoinOptions {
  token: string;
  instanceId: string;
  displayName: string;
  micEnabled: boolean;
  cameraEnabled: boolean;
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  /** Tracks opened by the device check, handed over so that the user is not asked again. */
  tracks: { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null };
}

type CaptureSource = 'mic' | 'camera';

/** Refusals no retry can fix: a new link is needed, or this participant may not take part. */
const FATAL_CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.TOKEN_EXPIRED,
  ErrorCode.PROTOCOL_MISMATCH,
  ErrorCode.FORBIDDEN,
  ErrorCode.SESSION_CLOSED,
  ErrorCode.SESSION_LOCKED,
  ErrorCode.NOT_FOUND,
  ErrorCode.INVALID_PAYLOAD,
]);

/** First wait before rebuilding media after a failed attempt; grows with each failure. */
const MEDIA_RETRY_DELAY_MS = 3_000;
const MAX_MEDIA_RETRIES = 5;
/** When the server refused the handshake for a passing reason (e.g. RATE_LIMITED). */
const CONNECT_RETRY_DELAY_MS = 5_000;
const MAX_CONNECT_RETRIES = 5;
/** Leaving must feel instant: after this the socket is closed anyway, which the server also sees. */
const LEAVE_GRACE_MS = 2_000;
/** Tile counts up to which the SFU sends the full, then the middle camera layer. */
const FULL_LAYER_MAX_TILES = 4;
const MIDDLE_LAYER_MAX_TILES = 9;
/** Audio first: in a session, being heard matters more than being seen. */
const PUBLISH_ORDER: readonly MediaSourceKind[] = ['mic', 'camera', 'screen'];

const ConnectErrorDataSchema = z.object({ code: ErrorCodeSchema });

/** Sends of one raise (all with the same idempotency key) before the failure is shown. */
const RAISE_MAX_ATTEMPTS = 4;
/** Pause before sending a raise again on a link that is up but slow, so retries do not pile onto it. */
const RAISE_RETRY_DELAY_MS = 2_000;
/** How long a raise that met a dropped link waits for the session to be joined again. */
const RAISE_REJOIN_WAIT_MS = 20_000;
/**
 * Failures after which a raise is sent again with its key: the server either never saw it,
 * or answers the retry with the issue it already made, so a retry never makes a second one.
 */
const RAISE_RETRY_CODES: ReadonlySet<AppErrorCode> = new Set<AppErrorCode>([
  ClientErrorCode.REQUEST_TIMEOUT,
  ClientErrorCode.DISCONNECTED,
  ClientErrorCode.NETWORK_ERROR,
  ErrorCode.NOT_JOINED,
]);
/** Overdue alerts kept for the banner; older ones are dropped (the queue still shows them red). */
const MAX_OVERDUE_ALERTS = 20;

/** Where the "unmute me when I get the floor" choice is kept between visits. */
const UNMUTE_ON_FLOOR_STORAGE_KEY = 'concord.unmuteOnFloor';

function readUnmuteOnFloor(): boolean {
  try {
    return window.localStorage.getItem(UNMUTE_ON_FLOOR_STORAGE_KEY) !== 'false';
  } catch {
    return true; // No storage: the default.
  }
}

const kindOf = (source: CaptureSource): CaptureKind => (source === 'mic' ? 'audio' : 'video');

/** The highest camera layer our site sends in a media mode ('low': the lowest alone). */
const cameraLayerFor = (mode: MediaMode): number => (mode === 'low' ? 0 : CAMERA_TOP_LAYER);

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One participation in a session, from the first connect to leave, kick or failure: the
 * socket, the media (rebuilt after a reset or a reconnect) and the local tracks. The UI
 * reads `store` and calls the public methods; nothing here depends on React.
 */
export class SessionController {
  readonly store: Store<SessionState>;
  /**
   * The operators' health board. A store of its own: it changes twice a second, and only
   * the board reads it, so the video grid is not redrawn with it.
   */
  readonly healthBoard = new Store<HealthBoard>(EMPTY_HEALTH_BOARD);
  private readonly socket: ConcordSocket;
  private readonly signaling: Signaling;
  private media: MediaClient | null = null;
  private readonly tracks: Record<MediaSourceKind, MediaStreamTrack | null>;
  private tracksReady: Promise<void> = Promise.resolve();
  /** Publishing, muting and unpublishing of one source run one after another. */
  private readonly sourceQueues: Record<MediaSourceKind, Promise<void>> = {
    mic: Promise.resolve(),
    camera: Promise.resolve(),
    screen: Promise.resolve(),
  };

  private restartRunning = false;
  private restartQueued = false;
  private mediaFailures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private connectRetries = 0;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;

  /** Broadcasts that arrive while a join is in flight wait for its snapshot. */
  private joinInFlight = false;
  private buffered: (() => void)[] = [];
  private seq = -1;
  private noticeCounter = 0;
  /** A proceedings:get is in flight; `refreshQueued` makes it run once more when it is done. */
  private refreshing = false;
  private refreshQueued = false;
  /** Left, kicked, failed or disposed: nothing reconnects or restarts any more. */
  private ended = false;
  /** An issues:list is in flight; `issuesRefreshQueued` makes it run once more when it is done. */
  private refreshingIssues = false;
  private issuesRefreshQueued = false;
  /** The current socket has joined (a reconnect needs a new join before requests are served). */
  private joinedOnThisConnection = false;
  /** Raises waiting for the next join after the link dropped. */
  private snapshotWaiters: (() => void)[] = [];
  private readonly statsReporter: StatsReporter;
  /** A health:get is in flight; `healthRefreshQueued` makes it run once more when it is done. */
  private refreshingHealth = false;
  private healthRefreshQueued = false;
  /** Whether the camera was on when our site went audio-only: it comes back with the video. */
  private cameraWish: boolean | null = null;
  /** The browser said it lost the network: no reconnecting until it says it is back. */
  private browserOffline = false;

  /**
   * The raise form's unsent text and idempotency key. Kept here, not in the form, so that
   * switching panel tabs neither loses what a member typed nor forgets the key of a raise
   * whose answer was lost (reusing it is what keeps a retry from making a second issue).
   */
  issueDraft: IssueDraft | null = null;

  constructor(private readonly options: JoinOptions) {
    this.store = new Store(initialSessionState({ ...options, unmuteOnFloor: readUnmuteOnFloor() }));
    this.socket = createSocket(options.token);
    this.signaling = new Signaling(this.socket);
    this.tracks = { mic: null, camera: null, screen: null };
    this.statsReporter = new StatsReporter({
      collect: () => this.media?.transportStats() ?? Promise.resolve([]),
      canSend: () => this.isServed(),
      send: (stats) => this.signaling.reportStats(stats),
    });
  }

  start(): void {
    this.listen();
    this.statsReporter.start();
    this.setTrack('mic', this.options.tracks.mic);
    this.setTrack('camera', this.options.tracks.camera);
    this.tracksReady = this.openMissingTracks();
    this.socket.connect();
  }

  toggleMic(): Promise<void> {
    return this.setCaptureEnabled('mic', !this.store.get().mic.enabled);
  }

  toggleCamera(): Promise<void> {
    const { mediaMode } = this.store.get();
    if (mediaMode.mode === 'audio-only') {
      // Our site's video is held off; say so again. The camera comes back with the video.
      this.showMediaModeNotice(mediaMode.mode, mediaMode.by ?? 'operator');
      return Promise.resolve();
    }
    return this.setCaptureEnabled('camera', !this.store.get().camera.enabled);
  }

  async toggleScreenShare(): Promise<void> {
    if (this.ended || this.store.get().screen.busy) {
      return;
    }
    if (this.tracks.screen) {
      await this.stopScreenShare();
      return;
    }
    this.updateScreen({ busy: true });
    try {
      const track = await acquireScreenTrack();
      if (!track) {
        return;
      }
      if (this.ended) {
        track.stop();
        return;
      }
      this.setTrack('screen', track);
      await this.syncSource('screen');
    } catch (err) {
      if (!isTransient(err)) {
        this.notice(err);
        await this.stopScreenShare();
      }
    } finally {
      this.updateScreen({ busy: false });
    }
  }

  async leave(): Promise<void> {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.update((s) => ({ ...s, phase: 'leaving' }));
    if (this.socket.connected) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.signaling.leave().catch((err: unknown) => log.warn('leave was not acknowledged', err)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, LEAVE_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    this.teardown();
    this.update((s) => ({ ...s, phase: 'left' }));
  }

  dismissNotice(id: number): void {
    this.update((s) => (s.notice?.id === id ? { ...s, notice: null } : s));
  }

  dismissOverdue(id: number): void {
    this.update((s) => ({ ...s, overdueAlerts: s.overdueAlerts.filter((a) => a.id !== id) }));
  }

  dismissModeration(id: number): void {
    this.update((s) => (s.moderation?.id === id ? { ...s, moderation: null } : s));
  }

  dismissMediaModeNotice(id: number): void {
    this.update((s) => (s.mediaModeNotice?.id === id ? { ...s, mediaModeNotice: null } : s));
  }

  dismissAlarmNotice(id: number): void {
    this.update((s) => (s.alarmNotice?.id === id ? { ...s, alarmNotice: null } : s));
  }

  setUnmuteOnFloor(enabled: boolean): void {
    this.update((s) => ({ ...s, unmuteOnFloor: enabled }));
    try {
      window.localStorage.setItem(UNMUTE_ON_FLOOR_STORAGE_KEY, String(enabled));
    } catch {
      // Not remembered across visits; the choice still holds for this page.
    }
  }

  /**
   * Sends an agenda, floor or moderation request. Never rejects: a failure is shown as a notice
   * and reported in the outcome. A chair command refused because the proceedings changed since
   * the chair saw them says so, and the fresh state stays on screen.
   */
  async act<E extends SessionRequest>(event: E, payload: RequestPayload<E>): Promise<ActOutcome<RequestReply<E>>> {
    if (this.ended) {
      return { ok: false, code: ClientErrorCode.DISCONNECTED };
    }
    try {
      return { ok: true, data: await this.signaling.send(event, payload) };
    } catch (err) {
      const error = toAppError(err);
      if (error.code === ErrorCode.CONFLICT && 'expectedVersion' in payload) {
        await this.refreshProceedings();
        const current = this.store.get().proceedings?.version;
        this.notice(
          current !== payload.expectedVersion ? new AppError(ClientErrorCode.STALE_PROCEEDINGS, error.message) : error,
        );
      } else if (error.code === ErrorCode.CONFLICT && event === 'floor:request') {
        this.notice(new AppError(ClientErrorCode.ALREADY_REQUESTED, error.message));
      } else if (error.code === ErrorCode.CONFLICT && event === 'issue:support') {
        this.notice(new AppError(ClientErrorCode.ALREADY_SUPPORTED, error.message));
      } else {
        this.notice(error);
      }
      log.warn(`${event} failed: ${error.code} ${error.message}`);
      return { ok: false, code: error.code };
    }
  }

  /**
   * Raises an issue in our site's name. A send that times out or meets a dropped link is
   * repeated (after the rejoin) with the same idempotency key, which the server answers with
   * the issue it already made: however often it is sent, one issue comes of it. Never rejects.
   */
  async raiseIssue(payload: RequestPayload<'issue:raise'>): Promise<ActOutcome<RequestReply<'issue:raise'>>> {
    let failure: AppError = new AppError(ClientErrorCode.DISCONNECTED, 'the session has ended');
    for (let attempt = 1; attempt <= RAISE_MAX_ATTEMPTS && !this.ended; attempt += 1) {
      if (!this.isServed()) {
        await this.nextSnapshot(RAISE_REJOIN_WAIT_MS);
      }
      try {
        return { ok: true, data: await this.signaling.send('issue:raise', payload) };
      } catch (err) {
        failure = toAppError(err);
        log.warn(`issue:raise attempt ${attempt} failed: ${failure.code} ${failure.message}`);
        if (!RAISE_RETRY_CODES.has(failure.code)) {
          break;
        }
        if (attempt < RAISE_MAX_ATTEMPTS && this.isServed()) {
          await delay(RAISE_RETRY_DELAY_MS);
        }
      }
    }
    this.notice(failure);
    return { ok: false, code: failure.code };
  }

  /** Closes everything without telling the server (it sees the socket go). Idempotent. */
  dispose(): void {
    if (!this.ended) {
      this.ended = true;
      this.teardown();
    }
  }

  stats(): Promise<ConsumerStats[]> {
    return this.media ? this.media.stats() : Promise.resolve([]);
  }

  testState(): { joined: boolean; participantId: string | null; connection: string } {
    const s = this.store.get();
    return { joined: s.phase === 'joined', participantId: s.self?.id ?? null, connection: s.connection };
  }

  proceedings(): Proceedings | null {
    return this.store.get().proceedings;
  }

  isChair(): boolean {
    return this.store.get().isChair;
  }

  /** The issue queue in display order. */
  issues(): Issue[] {
    return orderIssues(this.store.get().issues.values());
  }

  /** The last health board received (operators and the chair), or null. */
  health(): HealthUpdate | null {
    return this.healthBoard.get().update;
  }

  mediaMode(): MediaMode {
    return this.store.get().mediaMode.mode;
  }

  // ---- connection ---------------------------------------------------------------------

  private listen(): void {
    const s = this.socket;
    s.on('connect', () => this.onConnect());
    s.on('disconnect', (reason) => this.onDisconnect(reason));
    s.on('connect_error', (err) => this.onConnectError(err));

    s.on('participant:joined', (e) => this.sessionEvent(() => this.onParticipant(e.participant, e.seq)));
    s.on('participant:updated', (e) => this.sessionEvent(() => this.onParticipant(e.participant, e.seq)));
    s.on('participant:left', (e) => this.sessionEvent(() => this.onParticipantLeft(e.participantId, e.seq)));
    s.on('session:updated', (e) => this.sessionEvent(() => this.onSessionUpdated(e.session, e.seq)));
    s.on('producer:new', (info) => this.sessionEvent(() => this.onProducerNew(info)));
    s.on('producer:updated', (e) => this.sessionEvent(() => this.onProducerUpdated(e.producerId, e.paused)));
    s.on('producer:closed', (e) => this.sessionEvent(() => this.onProducerClosed(e.producerId)));
    s.on('consumer:closed', (e) => this.onConsumerClosed(e.consumerId));
    s.on('speaker:active', (e) => this.sessionEvent(() => this.update((st) => ({ ...st, activeSpeaker: e }))));
    s.on('media:reset', (e) => {
      log.warn(`the server reset the media: ${e.reason}`);
      this.requestRestart();
    });
    s.on('session:kicked', (e) => this.onKicked(e.code, e.message));

    s.on('proceedings:updated', (e) => this.sessionEvent(() => this.onProceedingsUpdated(e)));
    s.on('floor:granted', () => this.sessionEvent(() => this.onFloorGranted()));
    s.on('moderation:muted', (e) => this.sessionEvent(() => this.onModerationMuted(e.reason)));
    s.on('lobby:updated', (e) => this.sessionEvent(() => this.update((st) => ({ ...st, lobby: e.waiting }))));
    s.on('chair:changed', (e) => this.sessionEvent(() => this.onChairChanged(e.isChair)));
    s.on('lobby:admitted', () => this.onLobbyAdmitted());

    s.on('issue:updated', (e) => this.sessionEvent(() => this.onIssueUpdated(e)));
    s.on('issue:overdue', (e) => this.sessionEvent(() => this.onIssueOverdue(e)));
    s.on('issue:settings', (e) => this.sessionEvent(() => this.update((st) => ({ ...st, issueSettings: e.settings }))));

    s.on('health:update', (e) => this.onHealthUpdate(e));
    s.on('health:alarm', (e) => this.onHealthAlarm(e.alarm));
    s.on('health:summary', (e) => this.onHealthSummary(e.sites));
    s.on('media:mode', (e) => this.onMediaMode(e.mode, e.by));

    window.addEventListener('offline', this.onBrowserOffline);
    window.addEventListener('online', this.onBrowserOnline);
  }

  /**
   * The browser lost its network. Nothing we send can arrive now, and whatever still leaves
   * (a half-dead socket that waits for its ping to time out, RTP on a path the browser no
   * longer trusts) only makes a site that is gone look alive to the operators. So we stop:
   * no heartbeat, no media, no socket, until the browser is online again; then the usual
   * rejoin rebuilds everything.
   */
  private readonly onBrowserOffline = (): void => {
    if (this.ended) {
      return;
    }
    log.warn('the browser went offline; the connection is dropped until it is back');
    this.browserOffline = true;
    this.clearTimer('connect');
    this.clearTimer('retry');
    this.closeMedia();
    this.socket.disconnect();
  };

  private readonly onBrowserOnline = (): void => {
    if (this.ended || !this.browserOffline) {
      return;
    }
    log.info('the browser is online again; reconnecting');
    this.browserOffline = false;
    if (!this.socket.connected) {
      this.socket.connect();
    }
  };

  private onConnect(): void {
    if (this.ended) {
      return;
    }
    this.connectRetries = 0;
    this.clearTimer('connect');
    this.update((s) => ({ ...s, connection: 'connected' }));
    // The first connect and every reconnect take the same path: join (idempotent with the
    // same instanceId), then rebuild the media. The page is never reloaded.
    this.requestRestart();
  }

  private onDisconnect(reason: string): void {
    if (this.ended) {
      return;
    }
    log.warn(`disconnected: ${reason}`);
    this.joinedOnThisConnection = false;
    this.update((s) => ({ ...s, connection: s.connection === 'connecting' ? 'connecting' : 'reconnecting' }));
    // socket.io reconnects by itself except when the server closed the socket on purpose.
    if (reason === 'io server disconnect') {
      this.scheduleReconnect(ErrorCode.INTERNAL, reason);
    }
  }

  private onConnectError(err: Error): void {
    if (this.ended) {
      return;
    }
    const data = 'data' in err ? ConnectErrorDataSchema.safeParse(err.data) : null;
    const code = data?.success ? data.data.code : null;
    if (code && FATAL_CODES.has(code)) {
      this.fail(code, err.message);
      return;
    }
    // A refusal by the server's middleware stops socket.io's own retries; a network error does not.
    if (!this.socket.active) {
      this.scheduleReconnect(code ?? ClientErrorCode.NETWORK_ERROR, err.message);
    }
  }

  private scheduleReconnect(code: AppErrorCode, message: string): void {
    if (this.connectRetries >= MAX_CONNECT_RETRIES) {
      this.fail(code, message);
      return;
    }
    this.connectRetries += 1;
    this.clearTimer('connect');
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (!this.ended && !this.browserOffline) {
        this.socket.connect();
      }
    }, CONNECT_RETRY_DELAY_MS);
  }

  private onKicked(code: KickReason, message: string): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.teardown();
    this.update((s) => ({
      ...s,
      phase: 'kicked',
      failure: { code: parseErrorCode(code, ErrorCode.FORBIDDEN), message, kick: code },
    }));
  }

  private fail(code: AppErrorCode, message: string): void {
    if (this.ended) {
      return;
    }
    log.error(`the session ended: ${code} ${message}`);
    this.ended = true;
    this.teardown();
    this.update((s) => ({ ...s, phase: 'failed', failure: { code, message } }));
  }

  private teardown(): void {
    this.statsReporter.stop();
    window.removeEventListener('offline', this.onBrowserOffline);
    window.removeEventListener('online', this.onBrowserOnline);
    this.joinedOnThisConnection = false;
    this.releaseSnapshotWaiters();
    this.clearTimer('retry');
    this.clearTimer('connect');
    this.closeMedia();
    for (const source of PUBLISH_ORDER) {
      this.tracks[source]?.stop();
      this.tracks[source] = null;
    }
    this.socket.disconnect();
    this.update((s) => ({
      ...s,
      mic: { ...s.mic, track: null, busy: false },
      camera: { ...s.camera, track: null, busy: false },
      screen: { track: null, busy: false },
    }));
  }

  private clearTimer(which: 'retry' | 'connect'): void {
    const timer = which === 'retry' ? this.retryTimer : this.connectTimer;
    if (timer !== null) {
      clearTimeout(timer);
    }
    if (which === 'retry') {
      this.retryTimer = null;
    } else {
      this.connectTimer = null;
    }
  }

  // ---- join and media restarts ----------------------------------------------------------

  /**
   * Restarts never overlap: a request that comes while one runs (a media:reset during a
   * reconnect, say) makes the running one go round once more when it is done.
   */
  private requestRestart(): void {
    if (this.ended) {
      return;
    }
    this.clearTimer('retry');
    if (this.restartRunning) {
      this.restartQueued = true;
      return;
    }
    this.restartRunning = true;
    void this.runRestarts();
  }

  private async runRestarts(): Promise<void> {
    try {
      do {
        this.restartQueued = false;
        try {
          await this.establish();
          this.mediaFailures = 0;
        } catch (err) {
          this.onEstablishError(toAppError(err));
        }
      } while (this.restartQueued && !this.ended);
    } finally {
      // In the same microtask as the last loop check, so no request can fall in between.
      this.restartRunning = false;
    }
  }

  private async establish(): Promise<void> {
    if (this.ended || !this.socket.connected) {
      return;
    }
    this.closeMedia();
    const snapshot = await this.joinSession();
    if (!snapshot) {
      return;
    }
    const media = this.createMediaClient();
    await media.load();
    if (this.media !== media) {
      return;
    }
    this.reconcileConsumers();
    await this.tracksReady;
    await this.publishAll();
    if (this.media !== media) {
      return;
    }
    this.closeStaleOwnProducers(snapshot, media);
    this.update((s) => ({ ...s, mediaReady: true }));
    this.applyLayerPolicy();
  }

  private onEstablishError(error: AppError): void {
    if (this.ended) {
      return;
    }
    log.warn(`joining the media failed: ${error.code} ${error.message}`);
    if (!this.socket.connected) {
      return; // The next 'connect' starts over.
    }
    this.mediaFailures += 1;
    if (this.mediaFailures > MAX_MEDIA_RETRIES) {
      if (this.store.get().phase === 'joining') {
        this.fail(error.code, error.message);
      } else {
        this.notice(error);
      }
      return;
    }
    if (!isTransient(error) && this.mediaFailures === 1) {
      this.notice(error);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.requestRestart();
    }, MEDIA_RETRY_DELAY_MS * this.mediaFailures);
  }

  /** Joins (or takes back our place) and applies the snapshot; null if the server refused for good. */
  private async joinSession(): Promise<SessionSnapshot | null> {
    this.joinInFlight = true;
    this.buffered = [];
    let snapshot: SessionSnapshot;
    try {
      snapshot = await this.signaling.join({
        displayName: this.options.displayName,
        instanceId: this.options.instanceId,
      });
    } catch (err) {
      this.joinInFlight = false;
      this.buffered = [];
      const error = toAppError(err);
      if (FATAL_CODES.has(error.code)) {
        this.fail(error.code, error.message);
        return null;
      }
      if (error.code === ErrorCode.IN_LOBBY) {
        // Not a failure: the socket stays, and 'lobby:admitted' makes us join again.
        this.update((s) => ({ ...s, phase: 'lobby' }));
        return null;
      }
      throw error;
    }
    if (this.ended) {
      return null;
    }
    this.applySnapshot(snapshot);
    const buffered = this.buffered;
    this.buffered = [];
    this.joinInFlight = false;
    this.joinedOnThisConnection = this.socket.connected;
    for (const apply of buffered) {
      apply();
    }
    this.releaseSnapshotWaiters();
    // Broadcasts bring changes only: the board as it is now comes with a request.
    void this.refreshHealth();
    return snapshot;
  }

  private applySnapshot(snapshot: SessionSnapshot): void {
    this.seq = snapshot.seq;
    const participants = new Map<ParticipantId, Participant>(snapshot.participants.map((p) => [p.id, p]));
    participants.set(snapshot.self.id, snapshot.self);
    this.update((s) => ({
      ...s,
      phase: 'joined',
      session: snapshot.session,
      self: snapshot.self,
      participants,
      producers: new Map(snapshot.producers.map((p) => [p.producerId, p])),
      activeSpeaker: snapshot.activeSpeaker,
      proceedings: snapshot.proceedings,
      clockOffsetMs: snapshot.serverNow - Date.now(),
      isChair: snapshot.isChair,
      lobby: snapshot.lobby,
      // Whole, not merged: the snapshot is the server's queue as of `seq`.
      issues: new Map(snapshot.issues.map((i) => [i.id, i])),
      issueSettings: snapshot.issueSettings,
    }));
  }

  /** Whether a request sent now reaches a joined session (not a socket that still has to rejoin). */
  private isServed(): boolean {
    return this.socket.connected && this.joinedOnThisConnection && !this.joinInFlight;
  }

  /** Resolves at the next applied snapshot (a join or a rejoin), or after `timeoutMs`. */
  private nextSnapshot(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.snapshotWaiters.push(done);
    });
  }

  private releaseSnapshotWaiters(): void {
    const waiters = this.snapshotWaiters;
    this.snapshotWaiters = [];
    for (const done of waiters) {
      done();
    }
  }

  private createMediaClient(): MediaClient {
    const media: MediaClient = new MediaClient(this.signaling, {
      remoteTrackClosed: (producerId) => {
        if (this.media === media) {
          this.update((s) => ({ ...s, remoteTracks: withoutEntries(s.remoteTracks, [producerId]) }));
        }
      },
      transportFailed: (direction) => {
        if (this.media === media) {
          log.warn(`the ${direction} transport failed; rebuilding the media`);
          this.requestRestart();
        }
      },
    });
    void media.setCameraMaxSpatialLayer(cameraLayerFor(this.store.get().mediaMode.mode));
    this.media = media;
    return media;
  }

  private closeMedia(): void {
    const media = this.media;
    this.media = null;
    media?.close();
    this.update((s) =>
      s.remoteTracks.size === 0 && !s.mediaReady ? s : { ...s, remoteTracks: new Map(), mediaReady: false },
    );
  }

  /**
   * Our producers in the snapshot that the new media client did not create are left over
   * from the connection we lost; they would show as a frozen second camera.
   */
  private closeStaleOwnProducers(snapshot: SessionSnapshot, media: MediaClient): void {
    const stale = snapshot.producers.filter(
      (p) => p.participantId === snapshot.self.id && !media.ownsProducer(p.producerId),
    );
    for (const { producerId } of stale) {
      this.signaling
        .closeProducer({ producerId })
        .catch((err: unknown) => log.info(`stale producer ${producerId} was already gone`, err));
    }
    this.update((s) => ({
      ...s,
      producers: withoutEntries(
        s.producers,
        stale.map((p) => p.producerId),
      ),
    }));
  }

  // ---- session events -------------------------------------------------------------------

  private sessionEvent(apply: () => void): void {
    if (this.ended) {
      return;
    }
    if (this.joinInFlight) {
      this.buffered.push(apply);
    } else {
      apply();
    }
  }

  /**
   * Broadcasts the snapshot already includes (or older ones) are dropped. A broadcast that
   * skips numbers means some were missed (the sequence is shared by every session-wide
   * broadcast, issue changes included): the proceedings are fetched whole, unless this
   * broadcast carries them, and so is the issue queue, as the missed one may have been an
   * issue change (one issue:updated carries one issue, never the whole queue).
   */
  private acceptSeq(seq: number, carriesProceedings = false): boolean {
    if (seq <= this.seq) {
      return false;
    }
    const gap = seq > this.seq + 1;
    this.seq = seq;
    if (gap && !carriesProceedings) {
      void this.refreshProceedings();
    }
    if (gap) {
      void this.refreshIssues();
    }
    return true;
  }

  private onProceedingsUpdated(update: ProceedingsUpdate): void {
    if (this.acceptSeq(update.seq, true)) {
      this.applyProceedings(update);
    }
  }

  private onIssueUpdated(update: IssuesUpdate): void {
    // The sequence only tells whether something was missed: the issue itself is applied by
    // its version, so a broadcast the snapshot already includes changes nothing.
    this.acceptSeq(update.seq);
    this.applyIssues([update.issue], null, update.serverNow);
  }

  private onIssueOverdue(e: Omit<OverdueAlert, 'id'>): void {
    this.noticeCounter += 1;
    const alert: OverdueAlert = { id: this.noticeCounter, ...e };
    this.update((s) => ({ ...s, overdueAlerts: [...s.overdueAlerts, alert].slice(-MAX_OVERDUE_ALERTS) }));
  }

  /**
   * Keeps, per issue, the higher version: a reply overtaken by a broadcast (or the other way
   * round) never puts an older state of an issue back on screen. Issues are never deleted.
   */
  private applyIssues(issues: readonly Issue[], settings: IssueSettings | null, at: number): void {
    const clockOffsetMs = at - Date.now();
    this.update((s) => {
      let next: Map<IssueId, Issue> | null = null;
      for (const issue of issues) {
        const held = s.issues.get(issue.id);
        if (held === undefined || issue.version > held.version) {
          next ??= new Map(s.issues);
          next.set(issue.id, issue);
        }
      }
      return {
        ...s,
        clockOffsetMs,
        issues: next ?? s.issues,
        issueSettings: settings ?? s.issueSettings,
      };
    });
  }

  /** Fetches the issue queue whole. Never more than one request at a time. */
  private async refreshIssues(): Promise<void> {
    if (this.refreshingIssues) {
      this.issuesRefreshQueued = true;
      return;
    }
    this.refreshingIssues = true;
    try {
      do {
        this.issuesRefreshQueued = false;
        if (this.ended || this.store.get().phase !== 'joined') {
          return;
        }
        try {
          const reply = await this.signaling.send('issues:list', {});
          this.applyIssues(reply.issues, reply.settings, reply.serverNow);
        } catch (err) {
          log.warn('could not fetch the issues', err);
        }
      } while (this.issuesRefreshQueued);
    } finally {
      this.refreshingIssues = false;
    }
  }

  /** Replaces our copy; an older version (a reply overtaken by a broadcast) is ignored. */
  private applyProceedings(update: ProceedingsUpdate): void {
    const clockOffsetMs = update.serverNow - Date.now();
    this.update((s) => {
      const stale = s.proceedings !== null && update.proceedings.version < s.proceedings.version;
      return stale ? { ...s, clockOffsetMs } : { ...s, proceedings: update.proceedings, clockOffsetMs };
    });
  }

  /** Fetches the proceedings whole. Never more than one request at a time. */
  private async refreshProceedings(): Promise<void> {
    if (this.refreshing) {
      this.refreshQueued = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.refreshQueued = false;
        if (this.ended || this.store.get().phase !== 'joined') {
          return;
        }
        try {
          this.applyProceedings(await this.signaling.send('proceedings:get', {}));
        } catch (err) {
          log.warn('could not fetch the proceedings', err);
        }
      } while (this.refreshQueued);
    } finally {
      this.refreshing = false;
    }
  }

  /** The floor was given to us (or our site): open the microphone if the user allows it. */
  private onFloorGranted(): void {
    const s = this.store.get();
    if (s.unmuteOnFloor && !s.mic.enabled) {
      void this.setCaptureEnabled('mic', true);
    }
  }

  /** The server paused our microphone: follow locally without asking it again, and say why. */
  private onModerationMuted(reason: MuteReason): void {
    this.media?.applyServerPause('mic', true);
    this.updateSource('mic', { enabled: false });
    this.noticeCounter += 1;
    const id = this.noticeCounter;
    this.update((s) => {
      const at = serverNow(s.clockOffsetMs);
      return { ...s, moderation: { id, reason, at }, timeUpAt: reason === 'time_up' ? at : s.timeUpAt };
    });
  }

  private onChairChanged(isChair: boolean): void {
    this.update((s) => ({ ...s, isChair, lobby: isChair ? s.lobby : [], alarmNotice: isChair ? s.alarmNotice : null }));
    if (isChair) {
      void this.refreshHealth();
    }
  }

  private onLobbyAdmitted(): void {
    if (this.ended) {
      return;
    }
    log.info('admitted from the lobby');
    this.update((s) => (s.phase === 'lobby' ? { ...s, phase: 'joining' } : s));
    this.requestRestart();
  }

  private onParticipant(participant: Participant, seq: number): void {
    if (!this.acceptSeq(seq)) {
      return;
    }
    this.update((s) => ({
      ...s,
      participants: withEntry(s.participants, participant.id, participant),
      self: s.self?.id === participant.id ? participant : s.self,
    }));
    this.applyLayerPolicy();
  }

  private onParticipantLeft(participantId: ParticipantId, seq: number): void {
    if (!this.acceptSeq(seq)) {
      return;
    }
    const theirs = [...this.store.get().producers.values()]
      .filter((p) => p.participantId === participantId)
      .map((p) => p.producerId);
    for (const producerId of theirs) {
      this.media?.closeConsumerOfProducer(producerId);
    }
    this.update((s) => ({
      ...s,
      participants: withoutEntries(s.participants, [participantId]),
      producers: withoutEntries(s.producers, theirs),
      remoteTracks: withoutEntries(s.remoteTracks, theirs),
      activeSpeaker: s.activeSpeaker?.participantId === participantId ? null : s.activeSpeaker,
    }));
    this.applyLayerPolicy();
  }

  private onSessionUpdated(session: Session, seq: number): void {
    if (this.acceptSeq(seq)) {
      this.update((s) => ({ ...s, session }));
    }
  }

  private onProducerNew(info: ProducerInfo): void {
    if (this.store.get().producers.has(info.producerId)) {
      return;
    }
    this.update((s) => ({ ...s, producers: withEntry(s.producers, info.producerId, info) }));
    if (info.participantId !== this.store.get().self?.id) {
      this.consume(info);
    }
  }

  private onProducerUpdated(producerId: string, paused: boolean): void {
    const info = this.store.get().producers.get(producerId);
    if (info) {
      this.update((s) => ({ ...s, producers: withEntry(s.producers, producerId, { ...info, paused }) }));
    }
    // The server may pause or resume one of ours (the chair mutes us, or gives us the floor).
    const source = this.media?.sourceOfProducer(producerId) ?? null;
    if (source) {
      this.media?.applyServerPause(source, paused);
      if (source !== 'screen') {
        this.updateSource(source, { enabled: !paused });
      }
    }
  }

  private onProducerClosed(producerId: string): void {
    this.media?.closeConsumerOfProducer(producerId);
    this.update((s) => ({
      ...s,
      producers: withoutEntries(s.producers, [producerId]),
      remoteTracks: withoutEntries(s.remoteTracks, [producerId]),
    }));
    // One of ours closed by the server, most often because its media went (a reset follows).
    // The track and the user's choice stay: the next restart publishes the source again.
    const source = this.media?.sourceOfProducer(producerId) ?? null;
    if (source) {
      this.media?.dropProducer(source);
    }
  }

  private onConsumerClosed(consumerId: string): void {
    const producerId = this.media?.closeConsumer(consumerId) ?? null;
    if (producerId) {
      this.update((s) => ({ ...s, remoteTracks: withoutEntries(s.remoteTracks, [producerId]) }));
    }
  }

  // ---- consuming ------------------------------------------------------------------------

  private reconcileConsumers(): void {
    const { producers, self } = this.store.get();
    for (const info of producers.values()) {
      if (info.participantId !== self?.id) {
        this.consume(info);
      }
    }
  }

  private consume(info: ProducerInfo): void {
    const media = this.media;
    // Without loaded media the next restart consumes every producer in the state.
    if (!media?.isLoaded) {
      return;
    }
    media.consume(info).then(
      (remote) => {
        if (!remote || this.media !== media) {
          return;
        }
        if (!this.store.get().producers.has(remote.producerId)) {
          media.closeConsumerOfProducer(remote.producerId);
          return;
        }
        this.update((s) => ({ ...s, remoteTracks: withEntry(s.remoteTracks, remote.producerId, remote) }));
        this.applyLayerPolicy();
      },
      (err: unknown) => {
        if (this.media === media && !isTransient(err)) {
          log.warn(`could not receive producer ${info.producerId}`, err);
        }
      },
    );
  }

  /** `force`: ask again even for the layer we asked for last (the server changed it meanwhile). */
  private applyLayerPolicy(force = false): void {
    const media = this.media;
    if (!media?.isLoaded) {
      return;
    }
    const { participants, mediaMode } = this.store.get();
    const tiles = participants.size;
    const byTiles = tiles <= FULL_LAYER_MAX_TILES ? 2 : tiles <= MIDDLE_LAYER_MAX_TILES ? 1 : 0;
    // A site held to low video receives the lowest layer too, whatever its screen could show.
    void media.setCameraSpatialLayer(mediaMode.mode === 'full' ? byTiles : 0, force);
  }

  // ---- connection health ----------------------------------------------------------------

  /** Operators watch the board; the chair gets the site summary and alarms. */
  private watchesHealth(): boolean {
    const s = this.store.get();
    return s.self?.role === 'operator' || s.isChair;
  }

  private onHealthUpdate(update: HealthUpdate): void {
    if (!this.ended) {
      this.healthBoard.update((b) => applyHealthUpdate(b, update, Date.now()));
    }
  }

  /** The server also sends alarms to members; only the operators and the chair keep them. */
  private onHealthAlarm(alarm: Alarm): void {
    if (this.ended || !this.watchesHealth()) {
      return;
    }
    this.healthBoard.update((b) => applyAlarm(b, alarm));
    if (alarm.clearedAt === null && this.store.get().isChair) {
      this.noticeCounter += 1;
      const id = this.noticeCounter;
      this.update((s) => ({ ...s, alarmNotice: { id, alarm } }));
    }
  }

  private onHealthSummary(sites: SiteStatusEntry[]): void {
    if (this.ended) {
      return;
    }
    this.setSiteSummary(applySummary(sites));
  }

  private setSiteSummary(next: SiteSummary): void {
    this.update((s) => (sameSummary(s.siteSummary, next) ? s : { ...s, siteSummary: next }));
  }

  /** Fetches the board whole (operators and the chair). Never more than one request at a time. */
  private async refreshHealth(): Promise<void> {
    if (this.refreshingHealth) {
      this.healthRefreshQueued = true;
      return;
    }
    this.refreshingHealth = true;
    try {
      do {
        this.healthRefreshQueued = false;
        if (this.ended || !this.watchesHealth() || !this.isServed()) {
          return;
        }
        try {
          const update = await this.signaling.send('health:get', {});
          this.healthBoard.update((b) => applyHealthUpdate(b, update, Date.now()));
          this.setSiteSummary(summaryFromUpdate(update));
        } catch (err) {
          log.warn('could not fetch the health board', err);
        }
      } while (this.healthRefreshQueued);
    } finally {
      this.refreshingHealth = false;
    }
  }

  /**
   * The operator (or the automatic policy) moved our site's video: 'low' sends and receives
   * the lowest camera layer only; 'audio-only' pauses the camera, and the camera comes back
   * when video does if it was on.
   */
  private onMediaMode(mode: MediaMode, by: MediaModeSource): void {
    if (this.ended) {
      return;
    }
    const previous = this.store.get().mediaMode.mode;
    this.update((s) => ({ ...s, mediaMode: { mode, by } }));
    if (previous !== mode) {
      this.showMediaModeNotice(mode, by);
    }
    void this.media?.setCameraMaxSpatialLayer(cameraLayerFor(mode));
    if (mode === 'audio-only') {
      this.holdCamera();
    } else {
      this.restoreCamera();
    }
    this.applyLayerPolicy(true);
  }

  private showMediaModeNotice(mode: MediaMode, by: MediaModeSource): void {
    this.noticeCounter += 1;
    const id = this.noticeCounter;
    this.update((s) => ({ ...s, mediaModeNotice: { id, mode, by } }));
  }

  private holdCamera(): void {
    const { camera } = this.store.get();
    this.cameraWish ??= camera.enabled;
    if (camera.enabled) {
      // Through the source queue: after any toggle in flight, and with 'media:pauseProducer'.
      this.updateSource('camera', { enabled: false });
      this.syncSource('camera').catch((err: unknown) => log.warn('could not pause the camera', err));
    }
  }

  private restoreCamera(): void {
    const wish = this.cameraWish;
    this.cameraWish = null;
    if (wish === true && !this.store.get().camera.enabled) {
      void this.setCaptureEnabled('camera', true);
    }
  }

  // ---- local tracks ---------------------------------------------------------------------

  /** Opens the camera and microphone the device check did not hand over (e.g. on rejoin). */
  private async openMissingTracks(): Promise<void> {
    const sources: CaptureSource[] = ['mic', 'camera'];
    await Promise.all(
      sources.map(async (source) => {
        if (isLive(this.tracks[source])) {
          return;
        }
        const deviceId = source === 'mic' ? this.options.micDeviceId : this.options.cameraDeviceId;
        try {
          const track = await acquireTrack(kindOf(source), deviceId);
          if (this.ended) {
            track.stop();
            return;
          }
          this.setTrack(source, track);
        } catch (err) {
          log.warn(`could not open the ${source}`, err);
          if (this.store.get()[source].enabled) {
            this.updateSource(source, { enabled: false });
            this.notice(err);
          }
        }
      }),
    );
  }

  private async setCaptureEnabled(source: CaptureSource, enabled: boolean): Promise<void> {
    if (this.ended || this.store.get()[source].busy) {
      return;
    }
    this.updateSource(source, { enabled, busy: true });
    try {
      if (enabled && !isLive(this.tracks[source])) {
        const deviceId = source === 'mic' ? this.options.micDeviceId : this.options.cameraDeviceId;
        const track = await acquireTrack(kindOf(source), deviceId);
        if (this.ended) {
          track.stop();
          return;
        }
        this.setTrack(source, track);
      }
      await this.syncSource(source);
    } catch (err) {
      // A dropped link keeps the user's choice: the restart that follows publishes it so.
      if (!isTransient(err) && !this.ended) {
        this.updateSource(source, { enabled: !enabled });
        this.notice(err);
      }
    } finally {
      this.updateSource(source, { busy: false });
    }
  }

  private async stopScreenShare(): Promise<void> {
    const track = this.tracks.screen;
    if (!track) {
      return;
    }
    this.setTrack('screen', null);
    track.stop();
    try {
      await this.syncSource('screen');
    } catch (err) {
      log.warn('could not close the screen share', err);
    }
  }

  private setTrack(source: MediaSourceKind, track: MediaStreamTrack | null): void {
    this.tracks[source] = track;
    track?.addEventListener('ended', () => this.onTrackEnded(source, track), { once: true });
    if (source === 'screen') {
      this.updateScreen({ track });
    } else {
      this.updateSource(source, { track });
    }
  }

  /** A device was unplugged, or the browser's "stop sharing" was pressed. */
  private onTrackEnded(source: MediaSourceKind, track: MediaStreamTrack): void {
    if (this.tracks[source] !== track || this.ended) {
      return;
    }
    if (source === 'screen') {
      void this.stopScreenShare();
      return;
    }
    this.setTrack(source, null);
    this.updateSource(source, { enabled: false });
    this.syncSource(source).catch((err: unknown) => log.warn(`could not close the ${source}`, err));
  }

  private async publishAll(): Promise<void> {
    for (const source of PUBLISH_ORDER) {
      try {
        await this.syncSource(source);
      } catch (err) {
        if (isTransient(err)) {
          throw err;
        }
        // The server refused this source (e.g. a role that may not present): go on without it.
        this.notice(err);
        if (source === 'screen') {
          await this.stopScreenShare();
        } else {
          this.updateSource(source, { enabled: false });
        }
      }
    }
  }

  private syncSource(source: MediaSourceKind): Promise<void> {
    const run = this.sourceQueues[source].then(() => this.applySource(source));
    this.sourceQueues[source] = run.catch(() => undefined);
    return run;
  }

  /** Brings the producer of a source in line with its track and the user's choice. */
  private async applySource(source: MediaSourceKind): Promise<void> {
    const media = this.media;
    if (!media?.canPublish) {
      return; // Published by the next restart.
    }
    const track = this.tracks[source];
    if (!isLive(track)) {
      await media.unpublish(source);
      return;
    }
    const paused = source === 'screen' ? false : !this.store.get()[source].enabled;
    if (media.hasProducer(source)) {
      await media.setPaused(source, paused);
    } else {
      await media.publish(source, track, paused);
    }
  }

  // ---- state helpers --------------------------------------------------------------------

  private update(change: (s: SessionState) => SessionState): void {
    this.store.update(change);
  }

  private updateSource(source: CaptureSource, change: Partial<LocalSource>): void {
    this.update((s) =>
      source === 'mic' ? { ...s, mic: { ...s.mic, ...change } } : { ...s, camera: { ...s.camera, ...change } },
    );
  }

  private updateScreen(change: Partial<SessionState['screen']>): void {
    this.update((s) => ({ ...s, screen: { ...s.screen, ...change } }));
  }

  private notice(err: unknown): void {
    const error = toAppError(err);
    this.noticeCounter += 1;
    const id = this.noticeCounter;
    this.update((s) => ({ ...s, notice: { id, code: error.code, message: error.message } }));
  }
}
