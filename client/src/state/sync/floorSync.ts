import { holdsFloor, type MuteReason, type Participant, type Proceedings } from '@concord/shared';
import type { RecordChange, RecordFollower, SyncContext } from '../context';
import { serverNow } from '../proceedings';
import type { ServerEvents } from '../send';
import type { LocalTracks } from './localTracks';

/** Where the "unmute me when I get the floor" choice is kept between visits. */
const UNMUTE_ON_FLOOR_STORAGE_KEY = 'concord.unmuteOnFloor';

export function readUnmuteOnFloor(): boolean {
  try {
    return window.localStorage.getItem(UNMUTE_ON_FLOOR_STORAGE_KEY) !== 'false';
  } catch {
    return true; // No storage: the default.
  }
}

/**
 * Whether a change of the proceedings gave this participant (or its site) the floor: it
 * holds it after, and did not before or held it for another request.
 */
export function floorGiven(before: Proceedings, after: Proceedings, self: Pick<Participant, 'id' | 'siteId'>): boolean {
  const who = { participantId: self.id, siteId: self.siteId };
  const speaker = after.speaker;
  if (speaker === null || !holdsFloor(after, who)) {
    return false;
  }
  return !holdsFloor(before, who) || before.speaker?.request.id !== speaker.request.id;
}

/** The floor as it touches this participant's microphone: opened when given, paused by the server. */
export class FloorSync implements RecordFollower {
  constructor(
    private readonly ctx: SyncContext,
    private readonly tracks: LocalTracks,
  ) {}

  listen(socket: ServerEvents): void {
    socket.on('moderation:muted', (e) => this.onMuted(e.reason));
  }

  /**
   * The floor was given to us (or our site), by the chair or by auto-advance after a cut-off:
   * open the microphone if the user allows it.
   */
  recordChanged({ before, after, entry }: RecordChange): void {
    if (entry?.type !== 'floor.granted' && entry?.type !== 'floor.cutOff') {
      return;
    }
    const self = after.self;
    if (self === null || before.proceedings === null || after.proceedings === null) {
      return;
    }
    if (floorGiven(before.proceedings, after.proceedings, self) && after.unmuteOnFloor && !after.mic.enabled) {
      void this.tracks.setCaptureEnabled('mic', true);
    }
  }

  setUnmuteOnFloor(enabled: boolean): void {
    this.ctx.store.update((s) => ({ ...s, unmuteOnFloor: enabled }));
    try {
      window.localStorage.setItem(UNMUTE_ON_FLOOR_STORAGE_KEY, String(enabled));
    } catch {
      // Not remembered across visits; the choice still holds for this page.
    }
  }

  /** The server paused our microphone: follow locally without asking it again, and say why. */
  private onMuted(reason: MuteReason): void {
    if (this.ctx.ended()) {
      return;
    }
    this.tracks.serverPaused('mic', true);
    const id = this.ctx.nextId();
    this.ctx.store.update((s) => {
      const at = serverNow(s.clockOffsetMs);
      return { ...s, moderation: { id, reason, at }, timeUpAt: reason === 'time_up' ? at : s.timeUpAt };
    });
  }
}
