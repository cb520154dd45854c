import type { Device, types } from 'mediasoup-client';
import { MediaSourceSchema } from '@concord/shared';
import { log } from '../logger';
import { AppError, ClientErrorCode } from '../state/errors';
import type { Send } from '../state/send';
import type { StatsDirection } from './clientStats';
import { toRtpParametersWire, toTransportOptions } from './wire';

export type TransportDirection = StatsDirection;

/** ICE restarts tried on a failed transport before the whole media is rebuilt. */
const MAX_ICE_RESTARTS = 3;

export interface TransportOwner {
  readonly send: Send;
  /**
   * Whether the server can be asked now. A transport that fails while the socket is down
   * waits: the rejoin that follows restarts its ICE (`MediaClient.recoverIce`).
   */
  readonly canSignal: () => boolean;
  /** The media client was closed: a restart in flight gives up. */
  readonly isClosed: () => boolean;
  /** A transport failed and ICE restarts did not bring it back; the media must be rebuilt. */
  readonly failed: (direction: TransportDirection) => void;
}

/**
 * Creates one transport on the server and its mediasoup-client side, wired to the signaling:
 * DTLS connect, produce (send side), and ICE restarts when the connection fails.
 */
export async function createTransport(
  owner: TransportOwner,
  device: Device,
  direction: TransportDirection,
  /** TURN servers with this participant's credential; ICE prefers direct paths, then TCP, then these. */
  iceServers: RTCIceServer[],
): Promise<types.Transport> {
  const wire = await owner.send('media:createTransport', { direction });
  if (owner.isClosed()) {
    throw new AppError(ClientErrorCode.DISCONNECTED, 'the media client was closed');
  }
  const options = { ...toTransportOptions(wire), iceServers };
  const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);

  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    owner.send('media:connectTransport', { transportId: transport.id, dtlsParameters }).then(
      () => callback(),
      (err: unknown) => errback(asError(err)),
    );
  });

  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = MediaSourceSchema.safeParse(appData['source']);
      if (!source.success) {
        errback(new Error('a producer was created without a media source'));
        return;
      }
      owner
        .send('media:produce', {
          transportId: transport.id,
          kind,
          rtpParameters: toRtpParametersWire(rtpParameters),
          source: source.data,
          paused: appData['paused'] === true,
        })
        .then(
          ({ producerId }) => callback({ id: producerId }),
          (err: unknown) => errback(asError(err)),
        );
    });
  }

  let iceRestarts = 0;
  transport.on('connectionstatechange', (state) => {
    if (state === 'connected') {
      iceRestarts = 0;
    } else if (state === 'failed') {
      if (!owner.canSignal()) {
        log.warn(
          `the ${direction} transport lost its path while the link is down; its ICE restarts when the link is back`,
        );
        return;
      }
      iceRestarts += 1;
      void restartIce(owner, transport, direction, iceRestarts);
    }
  });
  return transport;
}

/** A failed transport first gets an ICE restart: cheap, and it keeps every producer and consumer. */
export async function restartIce(
  owner: TransportOwner,
  transport: types.Transport,
  direction: TransportDirection,
  attempt: number,
): Promise<void> {
  if (owner.isClosed() || transport.closed) {
    return;
  }
  if (attempt > MAX_ICE_RESTARTS) {
    owner.failed(direction);
    return;
  }
  try {
    const iceParameters = await owner.send('media:restartIce', { transportId: transport.id });
    if (!owner.isClosed() && !transport.closed) {
      await transport.restartIce({ iceParameters });
    }
  } catch (err) {
    log.warn(`ICE restart of the ${direction} transport failed`, err);
    if (!owner.isClosed()) {
      owner.failed(direction);
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
