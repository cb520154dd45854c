import type { MediaMode, MediaSource as MediaSourceKind } from '@concord/shared';
import type { MediaClient } from '../../media/MediaClient';
import { acquireScreenTrack, acquireTrack, isLive, type CaptureKind } from '../../media/localMedia';
import { log } from '../../logger';
import type { SyncContext } from '../context';
import { isTransient } from '../errors';
import type { LocalSource, MediaModeSource, ViewState } from '../viewState';

/** Audio first: in a session, being heard matters more than being seen. */
export const PUBLISH_ORDER: readonly MediaSourceKind[] = ['mic', 'camera', 'screen'];

type CaptureSource = 'mic' | 'camera';

export interface LocalTrackOptions {
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  /** Tracks opened by the device check, handed over so that the user is not asked again. */
  tracks: { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null };
}

const kindOf = (source: CaptureSource): CaptureKind => (source === 'mic' ? 'audio' : 'video');

/** Our site's media mode changed (or the user pressed the camera while it is audio only). */
export function showMediaModeNotice(ctx: SyncContext, mode: MediaMode, by: MediaModeSource): void {
  const id = ctx.nextId();
  ctx.store.update((s) => ({ ...s, mediaModeNotice: { id, mode, by } }));
}

/**
 * This participant's microphone, camera and screen: the tracks, what the user wants of each,
 * and their producers kept in line with both (through the current media client, when there
 * is one; the next restart publishes whatever could not be).
 */
export class LocalTracks {
  private readonly tracks: Record<MediaSourceKind, MediaStreamTrack | null> = { mic: null, camera: null, screen: null };
  /** Publishing, muting and unpublishing of one source run one after another. */
  private readonly queues: Record<MediaSourceKind, Promise<void>> = {
    mic: Promise.resolve(),
    camera: Promise.resolve(),
    screen: Promise.resolve(),
  };
  /** Whether the camera was on when our site went audio-only: it comes back with the video. */
  private cameraWish: boolean | null = null;
  /** The camera and microphone are open (or failed to open): publishing waits for this. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: SyncContext,
    private readonly options: LocalTrackOptions,
    private readonly media: () => MediaClient | null,
  ) {}

  start(): void {
    this.setTrack('mic', this.options.tracks.mic);
    this.setTrack('camera', this.options.tracks.camera);
    this.ready = this.openMissing();
  }

  toggleMic(): Promise<void> {
    return this.setCaptureEnabled('mic', !this.ctx.store.get().mic.enabled);
  }

  toggleCamera(): Promise<void> {
    const { mediaMode, camera, uplink } = this.ctx.store.get();
    if (mediaMode.mode === 'audio-only' || uplink === 'audio-only') {
      // Our video is held off (our site's mode, or our uplink); say so again. The camera comes back with the video.
      const by = mediaMode.mode === 'audio-only' ? (mediaMode.by ?? 'operator') : 'uplink';
      showMediaModeNotice(this.ctx, 'audio-only', by);
      return Promise.resolve();
    }
    return this.setCaptureEnabled('camera', !camera.enabled);
  }

  async toggleScreenShare(): Promise<void> {
    if (this.ctx.ended() || this.ctx.store.get().screen.busy) {
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
      if (this.ctx.ended()) {
        track.stop();
        return;
      }
      this.setTrack('screen', track);
      await this.sync('screen');
    } catch (err) {
      if (!isTransient(err)) {
        this.ctx.notice(err);
        await this.stopScreenShare();
      }
    } finally {
      this.updateScreen({ busy: false });
    }
  }

  async setCaptureEnabled(source: CaptureSource, enabled: boolean): Promise<void> {
    if (this.ctx.ended() || this.ctx.store.get()[source].busy) {
      return;
    }
    this.updateSource(source, { enabled, busy: true });
    try {
      if (enabled && !isLive(this.tracks[source])) {
        const track = await acquireTrack(kindOf(source), this.deviceOf(source));
        if (this.ctx.ended()) {
          track.stop();
          return;
        }
        this.setTrack(source, track);
      }
      await this.sync(source);
    } catch (err) {
      // A dropped link keeps the user's choice: the restart that follows publishes it so.
      if (!isTransient(err) && !this.ctx.ended()) {
        this.updateSource(source, { enabled: !enabled });
        this.ctx.notice(err);
      }
    } finally {
      this.updateSource(source, { busy: false });
    }
  }

  /** The server paused or resumed one of our producers: follow locally without asking it again. */
  serverPaused(source: MediaSourceKind, paused: boolean): void {
    this.media()?.applyServerPause(source, paused);
    if (source !== 'screen') {
      this.updateSource(source, { enabled: !paused });
    }
  }

  /** Publishes every source in order; a source the server refuses is turned off, the others go on. */
  async publishAll(): Promise<void> {
    for (const source of PUBLISH_ORDER) {
      try {
        await this.sync(source);
      } catch (err) {
        if (isTransient(err)) {
          throw err;
        }
        // The server refused this source (e.g. a role that may not present): go on without it.
        this.ctx.notice(err);
        if (source === 'screen') {
          await this.stopScreenShare();
        } else {
          this.updateSource(source, { enabled: false });
        }
      }
    }
  }

  /** Our site went audio only: the camera pauses, and the user's wish is kept for later. */
  holdCamera(): void {
    const { camera } = this.ctx.store.get();
    this.cameraWish ??= camera.enabled;
    if (camera.enabled) {
      // Through the source queue: after any toggle in flight, and with 'media:pauseProducer'.
      this.updateSource('camera', { enabled: false });
      this.sync('camera').catch((err: unknown) => log.warn('could not pause the camera', err));
    }
  }

  /** The video is back: so is the camera, if it was on when it went. */
  restoreCamera(): void {
    const wish = this.cameraWish;
    this.cameraWish = null;
    if (wish === true && !this.ctx.store.get().camera.enabled) {
      void this.setCaptureEnabled('camera', true);
    }
  }

  /** Stops every track (the participation ended). */
  stopAll(): void {
    for (const source of PUBLISH_ORDER) {
      this.tracks[source]?.stop();
      this.tracks[source] = null;
    }
    this.ctx.store.update((s) => ({
      ...s,
      mic: { ...s.mic, track: null, busy: false },
      camera: { ...s.camera, track: null, busy: false },
      screen: { track: null, busy: false },
    }));
  }

  /** Opens the camera and microphone the device check did not hand over (e.g. on rejoin). */
  private async openMissing(): Promise<void> {
    const sources: CaptureSource[] = ['mic', 'camera'];
    await Promise.all(
      sources.map(async (source) => {
        if (isLive(this.tracks[source])) {
          return;
        }
        try {
          const track = await acquireTrack(kindOf(source), this.deviceOf(source));
          if (this.ctx.ended()) {
            track.stop();
            return;
          }
          this.setTrack(source, track);
        } catch (err) {
          log.warn(`could not open the ${source}`, err);
          if (this.ctx.store.get()[source].enabled) {
            this.updateSource(source, { enabled: false });
            this.ctx.notice(err);
          }
        }
      }),
    );
  }

  private deviceOf(source: CaptureSource): string | null {
    return source === 'mic' ? this.options.micDeviceId : this.options.cameraDeviceId;
  }

  private async stopScreenShare(): Promise<void> {
    const track = this.tracks.screen;
    if (!track) {
      return;
    }
    this.setTrack('screen', null);
    track.stop();
    try {
      await this.sync('screen');
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
    if (this.tracks[source] !== track || this.ctx.ended()) {
      return;
    }
    if (source === 'screen') {
      void this.stopScreenShare();
      return;
    }
    this.setTrack(source, null);
    this.updateSource(source, { enabled: false });
    this.sync(source).catch((err: unknown) => log.warn(`could not close the ${source}`, err));
  }

  private sync(source: MediaSourceKind): Promise<void> {
    const run = this.queues[source].then(() => this.apply(source));
    this.queues[source] = run.catch(() => undefined);
    return run;
  }

  /** Brings the producer of a source in line with its track and the user's choice. */
  private async apply(source: MediaSourceKind): Promise<void> {
    const media = this.media();
    if (!media?.canPublish) {
      return; // Published by the next restart.
    }
    const track = this.tracks[source];
    if (!isLive(track)) {
      await media.unpublish(source);
      return;
    }
    const paused = source === 'screen' ? false : !this.ctx.store.get()[source].enabled;
    if (media.hasProducer(source)) {
      await media.setPaused(source, paused);
    } else {
      await media.publish(source, track, paused);
    }
  }

  private updateSource(source: CaptureSource, change: Partial<LocalSource>): void {
    this.ctx.store.update((s) =>
      source === 'mic' ? { ...s, mic: { ...s.mic, ...change } } : { ...s, camera: { ...s.camera, ...change } },
    );
  }

  private updateScreen(change: Partial<ViewState['screen']>): void {
    this.ctx.store.update((s) => ({ ...s, screen: { ...s.screen, ...change } }));
  }
}
