import type { MediaMode, SessionJoined, SessionSnapshot } from '@concord/shared';
import { CAMERA_TOP_LAYER, MediaClient, type ConsumerStats } from '../../media/MediaClient';
import type { TransportStatsRows } from '../../media/clientStats';
import { log } from '../../logger';
import type { RecordChange, RecordFollower, SyncContext } from '../context';
import { isTransient, toAppError, type AppError, type AppErrorCode } from '../errors';
import type { ServerEvents } from '../send';
import { initialUplink, nextUplink, uplinkFromStats, type UplinkState } from '../../media/uplinkPolicy';
import { lesserVideo, withoutEntries, type MediaModeSource, type ViewState } from '../viewState';
import { showMediaModeNotice, type LocalTracks } from './localTracks';
import { RemoteMedia } from './remoteMedia';

/** First wait before rebuilding media after a failed attempt; grows with each failure. */
const MEDIA_RETRY_DELAY_MS = 3_000;
const MAX_MEDIA_RETRIES = 5;

/** How often the uplink is sampled for the audio-first policy. */
const UPLINK_SAMPLE_MS = 1_000;

/** The highest camera layer our site sends in a media mode ('low': the lowest alone). */
const cameraLayerFor = (mode: MediaMode): number => (mode === 'low' ? 0 : CAMERA_TOP_LAYER);

/**
 * How the media comes back: `resume` (the socket came back: keep the transports if the
 * server still holds them, restarting ICE where the path was lost) or `rebuild` (a new
 * media client, after a media reset or a failed transport).
 */
export type RestartKind = 'resume' | 'rebuild';

export interface MediaSyncDeps {
  /**
   * Joins (or takes back our place), asking the server to keep the transports `resume`
   * names; null when the server refused for good or put us in the lobby.
   */
  join: (resume?: string[]) => Promise<SessionJoined | null>;
  /** Ends the participation. */
  fail: (code: AppErrorCode, message: string) => void;
  connected: () => boolean;
}

/**
 * The session's media on this client: one `MediaClient` at a time, rebuilt (with a join) on
 * every connect, media reset or failed transport (the other participants' media through it
 * is `RemoteMedia`'s); the camera layers our site sends, by its media mode.
 */
export class MediaSync implements RecordFollower {
  private media: MediaClient | null = null;
  private restartRunning = false;
  private restartQueued = false;
  /** What the next restart does: a rebuild asked for meanwhile wins over a resume. */
  private nextRestart: RestartKind = 'rebuild';
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly remote: RemoteMedia;
  private uplink: UplinkState = initialUplink();
  private uplinkTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ctx: SyncContext,
    private readonly tracks: LocalTracks,
    private readonly deps: MediaSyncDeps,
  ) {
    this.remote = new RemoteMedia(ctx, tracks, () => this.media);
  }

  get current(): MediaClient | null {
    return this.media;
  }

  listen(socket: ServerEvents): void {
    this.remote.listen(socket);
    socket.on('media:reset', (e) => {
      log.warn(`the server reset the media: ${e.reason}`);
      this.requestRestart();
    });
  }

  /**
   * Restarts never overlap: a request that comes while one runs (a media:reset during a
   * reconnect, say) makes the running one go round once more when it is done.
   */
  requestRestart(kind: RestartKind = 'rebuild'): void {
    if (this.ctx.ended()) {
      return;
    }
    if (!this.restartRunning && !this.restartQueued) {
      this.nextRestart = kind;
    } else if (kind === 'rebuild') {
      this.nextRestart = 'rebuild';
    }
    this.clearRetry();
    if (this.restartRunning) {
      this.restartQueued = true;
      return;
    }
    this.restartRunning = true;
    void this.runRestarts();
  }

  /** The link is gone (the browser is offline, or the participation ended). Idempotent. */
  close(): void {
    this.clearRetry();
    this.stopUplinkWatch();
    this.closeMedia();
  }

  stats(): Promise<ConsumerStats[]> {
    return this.media ? this.media.stats() : Promise.resolve([]);
  }

  transportStats(): Promise<TransportStatsRows[]> {
    return this.media?.transportStats() ?? Promise.resolve([]);
  }

  recordChanged({ before, after }: RecordChange): void {
    if (before.participants !== after.participants) {
      const gone = [...before.participants.keys()].filter((id) => !after.participants.has(id));
      if (gone.length > 0) {
        this.remote.participantsGone(gone);
      }
      this.remote.applyLayerPolicy();
    }
    if (before.mediaMode !== after.mediaMode) {
      const sent = (s: ViewState) => lesserVideo(s.mediaMode.mode, s.uplink);
      this.videoChanged(sent(before), sent(after), after.mediaMode.by ?? 'operator');
      // What we receive follows our site's mode (our uplink does not limit it).
      this.remote.applyLayerPolicy(true);
    }
  }

  // ---- join and restarts ----------------------------------------------------------------

  private async runRestarts(): Promise<void> {
    try {
      do {
        this.restartQueued = false;
        const kind = this.nextRestart;
        this.nextRestart = 'rebuild';
        try {
          await this.establish(kind);
          this.failures = 0;
        } catch (err) {
          this.onEstablishError(toAppError(err));
        }
      } while (this.restartQueued && !this.ctx.ended());
    } finally {
      // In the same microtask as the last loop check, so no request can fall in between.
      this.restartRunning = false;
    }
  }

  private async establish(kind: RestartKind): Promise<void> {
    if (this.ctx.ended() || !this.deps.connected()) {
      return;
    }
    const kept = this.media;
    const resume = kind === 'resume' && kept?.isLoaded === true ? kept.transportIds() : [];
    if (resume.length === 0) {
      this.closeMedia();
    }
    const snapshot = await this.joinSession(resume.length > 0 ? resume : undefined);
    if (!snapshot) {
      return;
    }
    if (resume.length > 0 && kept !== null && this.media === kept) {
      if (snapshot.mediaResumed) {
        await this.resumed(snapshot, kept);
        return;
      }
      this.closeMedia();
    }
    const media = this.createMediaClient();
    await media.load();
    if (this.media !== media) {
      return;
    }
    this.remote.reconcile();
    await this.tracks.ready;
    await this.tracks.publishAll();
    if (this.media !== media) {
      return;
    }
    this.closeStaleOwnProducers(snapshot, media);
    this.ctx.store.update((s) => ({ ...s, mediaReady: true }));
    this.remote.applyLayerPolicy();
    this.startUplinkWatch(media);
  }

  private async joinSession(resume?: string[]): Promise<SessionJoined | null> {
    this.remote.hold();
    let snapshot: SessionJoined | null = null;
    try {
      snapshot = await this.deps.join(resume);
    } finally {
      this.remote.release(snapshot !== null);
    }
    return snapshot;
  }

  /**
   * The socket came back and the server kept our media: tracks that ended meanwhile go,
   * tracks that came are received, what the server did to ours meanwhile (a pause, a close)
   * is followed, and a transport whose path was lost restarts ICE. Nothing is rebuilt.
   */
  private async resumed(snapshot: SessionJoined, media: MediaClient): Promise<void> {
    log.info('the connection is back and the media was kept');
    this.remote.dropGone();
    this.remote.reconcile();
    const ours = snapshot.producers.filter((p) => p.participantId === snapshot.self.id);
    for (const source of media.publishedSources()) {
      const producer = ours.find((p) => media.sourceOfProducer(p.producerId) === source);
      if (producer === undefined) {
        media.dropProducer(source);
      } else {
        this.tracks.serverPaused(source, producer.paused);
      }
    }
    await media.recoverIce();
    await this.tracks.publishAll();
    if (this.media === media) {
      this.ctx.store.update((s) => ({ ...s, mediaReady: true }));
      this.startUplinkWatch(media);
    }
  }

  // ---- audio first: what our own uplink can carry -----------------------------------------

  private startUplinkWatch(media: MediaClient): void {
    this.stopUplinkWatch();
    this.uplinkTimer = setInterval(() => {
      void this.sampleUplink(media).catch((err: unknown) => log.warn('could not read the uplink', err));
    }, UPLINK_SAMPLE_MS);
  }

  private stopUplinkWatch(): void {
    if (this.uplinkTimer !== null) {
      clearInterval(this.uplinkTimer);
      this.uplinkTimer = null;
    }
  }

  /** One sample of the send transport: the camera steps down (or back up) as `nextUplink` says. */
  private async sampleUplink(media: MediaClient): Promise<void> {
    if (this.media !== media) {
      this.stopUplinkWatch();
      return;
    }
    const stats = await media.sendStats();
    if (stats === null || this.media !== media) {
      return;
    }
    const next = nextUplink(this.uplink, uplinkFromStats(stats, Date.now()));
    const before = this.uplink.level;
    this.uplink = next;
    if (next.level !== before) {
      log.info(`uplink: video ${before} → ${next.level}`);
      const site = this.ctx.store.get().mediaMode.mode;
      this.ctx.store.update((s) => ({ ...s, uplink: next.level }));
      this.videoChanged(lesserVideo(site, before), lesserVideo(site, next.level), 'uplink');
    }
  }

  private onEstablishError(error: AppError): void {
    if (this.ctx.ended()) {
      return;
    }
    log.warn(`joining the media failed: ${error.code} ${error.message}`);
    if (!this.deps.connected()) {
      return; // The next 'connect' starts over.
    }
    this.failures += 1;
    if (this.failures > MAX_MEDIA_RETRIES) {
      if (this.ctx.store.get().phase === 'joining') {
        this.deps.fail(error.code, error.message);
      } else {
        this.ctx.notice(error);
      }
      return;
    }
    if (!isTransient(error) && this.failures === 1) {
      this.ctx.notice(error);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.requestRestart();
    }, MEDIA_RETRY_DELAY_MS * this.failures);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private createMediaClient(): MediaClient {
    const media: MediaClient = new MediaClient(this.ctx, {
      remoteTrackClosed: (producerId) => {
        if (this.media === media) {
          this.remote.trackClosed(producerId);
        }
      },
      transportFailed: (direction) => {
        if (this.media === media) {
          log.warn(`the ${direction} transport failed; rebuilding the media`);
          this.requestRestart();
        }
      },
    });
    const { mediaMode, uplink } = this.ctx.store.get();
    void media.setCameraMaxSpatialLayer(cameraLayerFor(lesserVideo(mediaMode.mode, uplink)));
    this.media = media;
    return media;
  }

  private closeMedia(): void {
    const media = this.media;
    this.media = null;
    media?.close();
    this.ctx.store.update((s) =>
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
      this.ctx
        .send('media:closeProducer', { producerId })
        .catch((err: unknown) => log.info(`stale producer ${producerId} was already gone`, err));
    }
    const ids = stale.map((p) => p.producerId);
    this.ctx.store.update((s) => ({ ...s, producers: withoutEntries(s.producers, ids) }));
  }

  // ---- media modes ------------------------------------------------------------------------

  /**
   * What we send moved (our site's mode, set by the operator or the automatic policy, or our
   * own uplink): 'low' sends the lowest camera layer only; 'audio-only' pauses the camera,
   * and the camera comes back when video does if it was on.
   */
  private videoChanged(before: MediaMode, after: MediaMode, by: MediaModeSource): void {
    if (before !== after) {
      showMediaModeNotice(this.ctx, after, by);
    }
    void this.media?.setCameraMaxSpatialLayer(cameraLayerFor(after));
    if (after === 'audio-only') {
      this.tracks.holdCamera();
    } else {
      this.tracks.restoreCamera();
    }
  }
}
