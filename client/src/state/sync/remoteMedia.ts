import type { ParticipantId, ProducerInfo } from '@concord/shared';
import type { MediaClient } from '../../media/MediaClient';
import { log } from '../../logger';
import type { SyncContext } from '../context';
import { isTransient } from '../errors';
import type { ServerEvents } from '../send';
import { withEntry, withoutEntries } from '../viewState';
import type { LocalTracks } from './localTracks';

/** Tile counts up to which the SFU sends the full, then the middle camera layer. */
const FULL_LAYER_MAX_TILES = 4;
const MIDDLE_LAYER_MAX_TILES = 9;

/**
 * The other participants' media on this client: the session's producers (pushed by the
 * server, not part of the log), our consumers of them through the current media client, and
 * the camera layer we ask for.
 */
export class RemoteMedia {
  /** Media events that arrive while a join is in flight wait for its snapshot (it replaces the producers). */
  private holding = false;
  private held: (() => void)[] = [];

  constructor(
    private readonly ctx: SyncContext,
    private readonly tracks: LocalTracks,
    private readonly media: () => MediaClient | null,
  ) {}

  listen(socket: ServerEvents): void {
    socket.on('producer:new', (info) => this.mediaEvent(() => this.onProducerNew(info)));
    socket.on('producer:updated', (e) => this.mediaEvent(() => this.onProducerUpdated(e.producerId, e.paused)));
    socket.on('producer:closed', (e) => this.mediaEvent(() => this.onProducerClosed(e.producerId)));
    socket.on('consumer:closed', (e) => this.onConsumerClosed(e.consumerId));
    socket.on('speaker:active', (e) =>
      this.mediaEvent(() => this.ctx.store.update((s) => ({ ...s, activeSpeaker: e }))),
    );
  }

  /** A join is in flight: media events wait for its snapshot. */
  hold(): void {
    this.holding = true;
    this.held = [];
  }

  /** The join is over: the events held for it are applied after its snapshot, or dropped if it failed. */
  release(joined: boolean): void {
    const held = this.held;
    this.holding = false;
    this.held = [];
    if (joined) {
      for (const apply of held) {
        apply();
      }
    }
  }

  /** A consumed track went away without being asked to. */
  trackClosed(producerId: string): void {
    this.ctx.store.update((s) => ({ ...s, remoteTracks: withoutEntries(s.remoteTracks, [producerId]) }));
  }

  private mediaEvent(apply: () => void): void {
    if (this.ctx.ended()) {
      return;
    }
    if (this.holding) {
      this.held.push(apply);
    } else {
      apply();
    }
  }

  private onProducerNew(info: ProducerInfo): void {
    if (this.ctx.store.get().producers.has(info.producerId)) {
      return;
    }
    this.ctx.store.update((s) => ({ ...s, producers: withEntry(s.producers, info.producerId, info) }));
    if (info.participantId !== this.ctx.store.get().self?.id) {
      this.consume(info);
    }
  }

  private onProducerUpdated(producerId: string, paused: boolean): void {
    const info = this.ctx.store.get().producers.get(producerId);
    if (info) {
      this.ctx.store.update((s) => ({ ...s, producers: withEntry(s.producers, producerId, { ...info, paused }) }));
    }
    // The server may pause or resume one of ours (the chair mutes us, or gives us the floor).
    const source = this.media()?.sourceOfProducer(producerId) ?? null;
    if (source) {
      this.tracks.serverPaused(source, paused);
    }
  }

  private onProducerClosed(producerId: string): void {
    this.media()?.closeConsumerOfProducer(producerId);
    this.ctx.store.update((s) => ({
      ...s,
      producers: withoutEntries(s.producers, [producerId]),
      remoteTracks: withoutEntries(s.remoteTracks, [producerId]),
    }));
    // One of ours closed by the server, most often because its media went (a reset follows).
    // The track and the user's choice stay: the next restart publishes the source again.
    const source = this.media()?.sourceOfProducer(producerId) ?? null;
    if (source) {
      this.media()?.dropProducer(source);
    }
  }

  private onConsumerClosed(consumerId: string): void {
    const producerId = this.media()?.closeConsumer(consumerId) ?? null;
    if (producerId) {
      this.ctx.store.update((s) => ({ ...s, remoteTracks: withoutEntries(s.remoteTracks, [producerId]) }));
    }
  }

  /** Participants whose place ended: their media goes with them. */
  participantsGone(ids: readonly ParticipantId[]): void {
    const gone = new Set(ids);
    const theirs = [...this.ctx.store.get().producers.values()]
      .filter((p) => gone.has(p.participantId))
      .map((p) => p.producerId);
    for (const producerId of theirs) {
      this.media()?.closeConsumerOfProducer(producerId);
    }
    this.ctx.store.update((s) => ({
      ...s,
      producers: withoutEntries(s.producers, theirs),
      remoteTracks: withoutEntries(s.remoteTracks, theirs),
      activeSpeaker: s.activeSpeaker !== null && gone.has(s.activeSpeaker.participantId) ? null : s.activeSpeaker,
    }));
  }

  /** Consumers of tracks that are no longer in the record (they ended while we were away) go. */
  dropGone(): void {
    const { producers, remoteTracks } = this.ctx.store.get();
    const gone = [...remoteTracks.keys()].filter((producerId) => !producers.has(producerId));
    for (const producerId of gone) {
      this.media()?.closeConsumerOfProducer(producerId);
    }
    if (gone.length > 0) {
      this.ctx.store.update((s) => ({ ...s, remoteTracks: withoutEntries(s.remoteTracks, gone) }));
    }
  }

  reconcile(): void {
    const { producers, self } = this.ctx.store.get();
    for (const info of producers.values()) {
      if (info.participantId !== self?.id) {
        this.consume(info);
      }
    }
  }

  private consume(info: ProducerInfo): void {
    const media = this.media();
    // Without loaded media the next restart consumes every producer in the state.
    if (!media?.isLoaded) {
      return;
    }
    media.consume(info).then(
      (remote) => {
        if (!remote || this.media() !== media) {
          return;
        }
        if (!this.ctx.store.get().producers.has(remote.producerId)) {
          media.closeConsumerOfProducer(remote.producerId);
          return;
        }
        this.ctx.store.update((s) => ({ ...s, remoteTracks: withEntry(s.remoteTracks, remote.producerId, remote) }));
        this.applyLayerPolicy();
      },
      (err: unknown) => {
        if (this.media() === media && !isTransient(err)) {
          log.warn(`could not receive producer ${info.producerId}`, err);
        }
      },
    );
  }

  // ---- layers ----------------------------------------------------------------------------

  /** `force`: ask again even for the layer we asked for last (the server changed it meanwhile). */
  applyLayerPolicy(force = false): void {
    const media = this.media();
    if (!media?.isLoaded) {
      return;
    }
    const { participants, mediaMode } = this.ctx.store.get();
    const tiles = participants.size;
    const byTiles = tiles <= FULL_LAYER_MAX_TILES ? 2 : tiles <= MIDDLE_LAYER_MAX_TILES ? 1 : 0;
    // A site held to low video receives the lowest layer too, whatever its screen could show.
    void media.setCameraSpatialLayer(mediaMode.mode === 'full' ? byTiles : 0, force);
  }
}
