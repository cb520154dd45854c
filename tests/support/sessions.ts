import type { Proceedings, ProceedingsUpdate } from '@concord/shared';
import { AdminApi, data, inviteFor, join, request, type TestSocket } from './clients.js';
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
  /** The latest proceedings this client has seen. */
  latest(): Proceedings;
}

export async function joinAs(url: string, token: string, name?: string): Promise<Joined> {
  const { socket, snapshot, instanceId } = await join(url, token, name);
  let latest = snapshot.proceedings;
  socket.on('proceedings:updated', (u: ProceedingsUpdate) => {
    if (u.proceedings.version > latest.version) {
      latest = u.proceedings;
    }
  });
  return { socket, id: snapshot.self.id, instanceId, latest: () => latest };
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

export { inviteFor };
