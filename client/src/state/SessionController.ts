import i18next from 'i18next';
import {
  ErrorCode,
  localizedSession,
  orderIssues,
  type HealthUpdate,
  type IcePath,
  type Issue,
  type MediaMode,
  type Proceedings,
  type RequestName,
  type RequestPayload,
  type RequestReply,
} from '@concord/shared';
import type { ConsumerStats } from '../media/MediaClient';
import { readSample } from '../media/clientStats';
import { log } from '../logger';
import { Connection, type Placement } from './connection';
import type { ActOutcome, SyncContext } from './context';
import { ClientErrorCode, parseErrorCode, toAppError, type AppErrorCode } from './errors';
import type { HealthBoard } from './health';
import type { IssueDraft } from './issues';
import { LogSync } from './logSync';
import { StatsReporter } from './statsReporter';
import { Store } from './store';
import { FloorSync, readUnmuteOnFloor } from './sync/floorSync';
import { HealthSync } from './sync/healthSync';
import { IssuesSync } from './sync/issuesSync';
import { LocalTracks } from './sync/localTracks';
import { MediaSync } from './sync/mediaSync';
import { SessionSync } from './sync/sessionSync';
import { initialViewState, type KickReason, type ViewState } from './viewState';

export type { ActOutcome } from './context';

export interface JoinOptions {
  token: string;
  instanceId: string;
  displayName: string;
  micEnabled: boolean;
  cameraEnabled: boolean;
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  /** Where to connect: the servers, best first (`placeNodes` of the session info), and what orders them. */
  placement: Placement;
  /** Tracks opened by the device check, handed over so that the user is not asked again. */
  tracks: { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null };
}

/**
 * One participation in a session, from the first connect to leave, kick or failure. It puts
 * the parts together and owns their end: the connection (socket and reconnects), the log
 * (the session's record, in order), and one sync per area (our place in the session, media,
 * local tracks, floor, issues, health). The UI reads `store` and calls the public methods;
 * nothing here depends on React.
 */
export class SessionController {
  readonly store: Store<ViewState>;
  /** The operators' health board (a store of its own: it changes twice a second). */
  readonly healthBoard: Store<HealthBoard>;
  private readonly connection: Connection;
  private readonly ctx: SyncContext;
  private readonly log: LogSync;
  private readonly session: SessionSync;
  private readonly tracks: LocalTracks;
  private readonly media: MediaSync;
  private readonly floor: FloorSync;
  private readonly issueQueue: IssuesSync;
  private readonly healthSync: HealthSync;
  private readonly statsReporter: StatsReporter;
  /** Left, kicked, failed or disposed: nothing reconnects or restarts any more. */
  private ended = false;
  private idCounter = 0;

  constructor(options: JoinOptions) {
    this.store = new Store(
      initialViewState({ ...options, unmuteOnFloor: readUnmuteOnFloor(), language: i18next.language }),
    );
    i18next.on('languageChanged', this.onLanguage);
    this.connection = new Connection(options.token, options.placement, {
      connected: () => this.media.requestRestart('resume'),
      dropped: () => this.log.dropped(),
      offline: () => this.media.close(),
      failed: (code, message) => this.fail(code, message),
      status: (connection) =>
        this.store.update((s) => ({
          ...s,
          connection,
          reconnectingSince: connection === 'reconnecting' ? (s.reconnectingSince ?? Date.now()) : null,
        })),
    });
    this.ctx = {
      store: this.store,
      send: this.connection.send,
      ended: () => this.ended,
      isServed: () => this.log.served,
      notice: (err) => this.notice(err),
      nextId: () => (this.idCounter += 1),
    };
    this.log = new LogSync(this.ctx, () => this.connection.connected);
    this.session = new SessionSync(this.ctx, this.log, options, {
      fail: (code, message) => this.fail(code, message),
      kicked: (code, message) => this.kicked(code, message),
      rejoin: () => this.media.requestRestart(),
      joined: () => this.healthSync.refresh(),
    });
    this.tracks = new LocalTracks(this.ctx, options, () => this.media.current);
    this.media = new MediaSync(this.ctx, this.tracks, {
      join: (resume) => this.session.join(resume),
      fail: (code, message) => this.fail(code, message),
      connected: () => this.connection.connected,
    });
    this.floor = new FloorSync(this.ctx, this.tracks);
    this.issueQueue = new IssuesSync(this.ctx, (timeoutMs) => this.log.whenJoined(timeoutMs));
    this.healthSync = new HealthSync(this.ctx);
    this.healthBoard = this.healthSync.board;
    for (const follower of [this.media, this.floor, this.issueQueue, this.healthSync]) {
      this.log.follow(follower);
    }
    this.statsReporter = new StatsReporter({
      collect: () => this.media.transportStats(),
      canSend: () => this.log.served,
      send: (stats) => this.connection.reportStats(stats),
    });
  }

  start(): void {
    const events = this.connection;
    this.log.listen(events);
    this.session.listen(events);
    this.media.listen(events);
    this.floor.listen(events);
    this.healthSync.listen(events);
    this.statsReporter.start();
    this.tracks.start();
    this.connection.start();
  }

  /**
   * The raise form's unsent text and idempotency key, kept for the participation (see
   * `IssuesSync.draft`).
   */
  get issueDraft(): IssueDraft | null {
    return this.issueQueue.draft;
  }

  set issueDraft(draft: IssueDraft | null) {
    this.issueQueue.draft = draft;
  }

  toggleMic(): Promise<void> {
    return this.tracks.toggleMic();
  }

  toggleCamera(): Promise<void> {
    return this.tracks.toggleCamera();
  }

  toggleScreenShare(): Promise<void> {
    return this.tracks.toggleScreenShare();
  }

  setUnmuteOnFloor(enabled: boolean): void {
    this.floor.setUnmuteOnFloor(enabled);
  }

  async leave(): Promise<void> {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.store.update((s) => ({ ...s, phase: 'leaving' }));
    if (this.connection.connected) {
      await this.session.leave();
    }
    this.teardown();
    this.store.update((s) => ({ ...s, phase: 'left' }));
  }

  /** Closes everything without telling the server (it sees the socket go). Idempotent. */
  dispose(): void {
    if (!this.ended) {
      this.ended = true;
      this.teardown();
    }
  }

  dismissNotice(id: number): void {
    this.store.update((s) => (s.notice?.id === id ? { ...s, notice: null } : s));
  }

  dismissOverdue(id: number): void {
    this.issueQueue.dismissOverdue(id);
  }

  dismissModeration(id: number): void {
    this.store.update((s) => (s.moderation?.id === id ? { ...s, moderation: null } : s));
  }

  dismissMediaModeNotice(id: number): void {
    this.store.update((s) => (s.mediaModeNotice?.id === id ? { ...s, mediaModeNotice: null } : s));
  }

  dismissAlarmNotice(id: number): void {
    this.healthSync.dismissAlarmNotice(id);
  }

  /**
   * Sends a request of a screen (agenda, floor, moderation, issues, health). Never rejects:
   * a failure is shown as a notice, with the server's reason, and reported in the outcome.
   * A chair command refused with STALE_VERSION (someone changed the proceedings first) says
   * so; the change that made it stale arrives as log entries, so the fresh state is on screen.
   */
  async act<E extends RequestName>(event: E, payload: RequestPayload<E>): Promise<ActOutcome<RequestReply<E>>> {
    if (this.ended) {
      return { ok: false, code: ClientErrorCode.DISCONNECTED };
    }
    try {
      return { ok: true, data: await this.ctx.send(event, payload) };
    } catch (err) {
      const error = toAppError(err);
      this.notice(error);
      log.warn(`${event} failed: ${error.code} ${error.message}`);
      return { ok: false, code: error.code };
    }
  }

  /** Raises an issue in our site's name, retried with its key over a weak link. Never rejects. */
  raiseIssue(payload: RequestPayload<'issue:raise'>): Promise<ActOutcome<RequestReply<'issue:raise'>>> {
    return this.issueQueue.raise(payload);
  }

  // ---- what the end-to-end tests read (testHook.ts) ---------------------------------------

  stats(): Promise<ConsumerStats[]> {
    return this.media.stats();
  }

  async icePaths(): Promise<IcePath[]> {
    return readSample(await this.media.transportStats(), Date.now()).paths;
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
    return this.healthSync.latest();
  }

  mediaMode(): MediaMode {
    return this.store.get().mediaMode.mode;
  }

  // ---- the end ----------------------------------------------------------------------------

  private kicked(code: KickReason, message: string): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.teardown();
    this.store.update((s) => ({
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
    this.store.update((s) => ({ ...s, phase: 'failed', failure: { code, message } }));
  }

  /** Site names follow the UI language. */
  private readonly onLanguage = (language: string): void => {
    this.store.update((s) => ({
      ...s,
      language,
      session: s.record === null ? s.session : localizedSession(s.record.session, language),
    }));
  };

  private teardown(): void {
    i18next.off('languageChanged', this.onLanguage);
    this.statsReporter.stop();
    this.log.close();
    this.media.close();
    this.tracks.stopAll();
    this.connection.close();
  }

  private notice(err: unknown): void {
    const error = toAppError(err);
    const id = this.ctx.nextId();
    this.store.update((s) => ({ ...s, notice: { id, code: error.code, message: error.message } }));
  }
}
