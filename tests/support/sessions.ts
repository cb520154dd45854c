import {
  SessionIdSchema,
  applyEntry,
  type LogEntry,
  type Proceedings,
  type SessionId,
  type SessionState,
} from '@concord/shared';
import { AdminApi, connect, data, inviteFor, newInstanceId, seatFor, request, type TestSocket } from './clients.js';
import { uniqueId } from './env.js';

export const SITES = ['Daraa', 'Damascus', 'Homs', 'Latakia'];

/** A fake but valid Opus track description, enough for the SFU to create a producer. */
export const OPUS_RTP_PARAMETERS = {
  mid: '0',
  codecs: [
    { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } },
  ],
  headerExtensions: [],
  encodings: [{ ssrc: 22222222 }],
  rtcp: { cname: 'test', reducedSize: true },
};

export interface Joined {
  socket: TestSocket;
  id: string;
  instanceId: string;
  /** The session as this client knows it: the join snapshot with every entry since applied. */
  state(): SessionState;
  /** The latest proceedings this client has seen. */
  latest(): Proceedings;
  /** The sequence number of every entry received, in the order received. */
  received(): number[];
}

/**
 * Joins and follows the log as a client does: entries are applied in order with the shared
 * reducer. A hole or a repeat in the numbers fails loudly (the server promises neither).
 */
export async function joinAs(
  url: string,
  token: string,
  name?: string,
  /** The tab's id: give the one of an earlier `Joined` to take its place again (a reconnect). */
  instanceId: string = newInstanceId(),
): Promise<Joined> {
  const socket = await connect(url, token);
  // Entries that arrive before the snapshot wait for it, as in the real client.
  const held: LogEntry[] = [];
  let state: SessionState | null = null;
  let seq = 0;
  const received: number[] = [];
  const apply = (e: LogEntry) => {
    if (state === null) {
      held.push(e);
      return;
    }
    if (e.seq <= seq) {
      return; // already in the snapshot
    }
    if (e.seq !== seq + 1) {
      throw new Error(`entry ${e.seq} after ${seq}: a hole in the log's broadcast`);
    }
    state = applyEntry(state, e);
    seq = e.seq;
  };
  socket.on('session:entry', (e: LogEntry) => {
    received.push(e.seq);
    apply(e);
  });
  const snapshot = data(
    await request(socket, 'session:join', name ? { instanceId, displayName: name } : { instanceId }),
  );
  state = snapshot.state;
  seq = snapshot.seq;
  for (const e of held.splice(0)) {
    apply(e);
  }
  const current = (): SessionState => {
    if (state === null) {
      throw new Error('not joined');
    }
    return state;
  };
  return {
    socket,
    id: snapshot.self.id,
    instanceId,
    state: current,
    latest: () => current().proceedings,
    received: () => received,
  };
}

/** Publishes a microphone track (created unpaused) and returns its producer id. */
export async function publishMic(j: Joined): Promise<string> {
  const transport = data(await request(j.socket, 'media:createTransport', { direction: 'send' }));
  return data(
    await request(j.socket, 'media:produce', {
      transportId: transport.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: OPUS_RTP_PARAMETERS,
    }),
  ).producerId;
}

export async function current(j: Joined): Promise<Proceedings> {
  return data(await request(j.socket, 'proceedings:get', {})).proceedings;
}

export async function newSession(url: string, title = 'Joint session') {
  return new AdminApi(url).createSession(title, SITES, uniqueId('s'));
}

export { inviteFor, seatFor };

/** The session's state as the server holds it now (its log, this node's view). */
export async function stateOf(
  concord: { logs: { get(sid: SessionId): Promise<{ state: SessionState }> } },
  sid: string,
) {
  return (await concord.logs.get(SessionIdSchema.parse(sid))).state;
}
