import {
  holdsChair,
  holdsFloor,
  mayUseMic,
  type LogEntry,
  type MuteTarget,
  type ParticipantId,
  type SessionState,
} from '@concord/shared';
import type { Logger } from '../logger.js';
import type { MediaPort, PeerRef } from './ports.js';

/** Whether the participant holds the chair, by its invite identity in the state. */
function peerIsChair(state: SessionState, participantId: ParticipantId): boolean {
  const subject = state.subjects[participantId];
  const role = state.participants[participantId]?.role;
  return subject !== undefined && role !== undefined && holdsChair(state.proceedings, subject, role);
}

/** Whether the chair's mute of `target` takes this participant's microphone. */
export function muteTakes(state: SessionState, target: MuteTarget, peer: PeerRef): boolean {
  if ('participantId' in target) {
    return peer.participantId === target.participantId;
  }
  if ('siteId' in target) {
    return peer.siteId === target.siteId;
  }
  return !holdsFloor(state.proceedings, peer) && !peerIsChair(state, peer.participantId);
}

/**
 * What the floor and the chair's mutes mean for the microphones of this node's participants,
 * whoever wrote the entry: in floor mode only the floor (and the chair) may be open; a
 * speaker cut off is muted; the chair's mute pauses whom it names. Each node acts on its own
 * peers, so the rules hold across nodes.
 */
export class FloorMedia {
  constructor(
    private readonly media: MediaPort,
    private readonly log: Logger,
  ) {}

  /** Entry listener. */
  readonly onEntry = (entry: LogEntry, before: SessionState | null, after: SessionState): void => {
    const sid = after.session.id;
    const act = (p: Promise<number>) =>
      p.catch((err: unknown) => this.log.warn({ err, sessionId: sid }, 'could not pause microphones'));
    if (entry.type === 'moderation.muted') {
      const { target } = entry.payload;
      void act(this.media.muteMics(sid, 'chair', (peer) => muteTakes(after, target, peer)));
      return;
    }
    if (before === null || before.proceedings === after.proceedings) {
      return;
    }
    if (entry.type === 'floor.cutOff') {
      const cutOff = (peer: PeerRef) =>
        holdsFloor(before.proceedings, peer) && !peerIsChair(before, peer.participantId);
      void act(this.media.muteMics(sid, 'time_up', cutOff));
    }
    void act(this.enforce(after));
  };

  /** In floor mode, pauses every microphone on this node that may not be open now. */
  enforce(state: SessionState): Promise<number> {
    if (!state.proceedings.settings.floorMode) {
      return Promise.resolve(0);
    }
    return this.media.muteMics(
      state.session.id,
      'floor_mode',
      (peer) => !mayUseMic(state.proceedings, peer, peerIsChair(state, peer.participantId)),
    );
  }

  /** Whether this participant may unmute now (the server refuses a resume otherwise). */
  mayUnmute(state: SessionState, peer: PeerRef): boolean {
    return mayUseMic(state.proceedings, peer, peerIsChair(state, peer.participantId));
  }
}
