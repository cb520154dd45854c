import type { MediaMode, SessionSnapshot } from '@concord/shared';
import { CAMERA_TOP_LAYER, MediaClient, type ConsumerStats } from '../../media/MediaClient';
import type { TransportStatsRows } from '../../media/clientStats';
import { log } from '../../logger';
import type { RecordChange, RecordFollower, SyncContext } from '../context';
import { isTransient, toAppError, type AppError, type AppErrorCode } from '../errors';
import type { ServerEvents } from '../send';
import { withoutEntries, type ViewState } from '../viewState';
import { showMediaModeNotice, type LocalTracks } from './localTracks';
import { RemoteMedia } from './remoteMedia';

/** First wait before rebuilding media after a failed attempt; grows with each failure. */
const MEDIA_RETRY_DELAY_MS = 3_000;
const MAX_MEDIA_RETRIES = 5;

/** The highest camera layer our site sends in a media mode ('low': the lowest alone). */
const cameraLayerFor = (mode: MediaMode): number => (mode === 'low' ? 0 : CAMERA_TOP_LAYER);

export interface MediaSyncDeps {
  /** Joins (or takes back our place); null when the server refused for good or put us in the lobby. */
  join: () => Promise<SessionSnapshot | null>;
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
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly remote: RemoteMedia;

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
  requestRestart(): void {
    if (this.ctx.ended()) {
      return;
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
      this.mediaModeChanged(before, after);
    }
  }

  // ---- join and restarts ----------------------------------------------------------------

  private async runRestarts(): Promise<void> {
    try {
      do {
        this.restartQueued = false;
        try {
          await this.establish();
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

  private async establish(): Promise<void> {
    if (this.ctx.ended() || !this.deps.connected()) {
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
    this.remote.reconcile();
    await this.tracks.ready;
    await this.tracks.publishAll();
    if (this.media !== media) {
      return;
    }
    this.closeStaleOwnProducers(snapshot, media);
    this.ctx.store.update((s) => ({ ...s, mediaReady: true }));
    this.remote.applyLayerPolicy();
  }

  private async joinSession(): Promise<SessionSnapshot | null> {
    this.remote.hold();
    let snapshot: SessionSnapshot | null = null;
    try {
      snapshot = await this.deps.join();
    } finally {
      this.remote.release(snapshot !== null);
    }
    return snapshot;
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
    void media.setCameraMaxSpatialLayer(cameraLayerFor(this.ctx.store.get().mediaMode.mode));
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
   * The operator (or the automatic policy) moved our site's video: 'low' sends and receives
   * the lowest camera layer only; 'audio-only' pauses the camera, and the camera comes back
   * when video does if it was on.
   */
  private mediaModeChanged(before: ViewState, after: ViewState): void {
    const { mode, by } = after.mediaMode;
    if (before.mediaMode.mode !== mode) {
      showMediaModeNotice(this.ctx, mode, by ?? 'operator');
    }
    void this.media?.setCameraMaxSpatialLayer(cameraLayerFor(mode));
    if (mode === 'audio-only') {
      this.tracks.holdCamera();
    } else {
      this.tracks.restoreCamera();
    }
    this.remote.applyLayerPolicy(true);
  }
}
