import { z } from 'zod';
import { MediaIdSchema } from './ids.js';
import { MediaSourceSchema } from './domain.js';
import { wireToken } from './text.js';

// Schemas for the WebRTC parameters that mediasoup-client produces and the mediasoup
// server consumes. They mirror mediasoup's own TypeScript types, field for field, so a
// parsed value can be handed to mediasoup without a cast; mediasoup then checks semantics.

const codecParameters = z.record(wireToken(64), z.union([wireToken(256), z.number()]));
const RtcpFeedbackSchema = z.strictObject({
  type: wireToken(64),
  parameter: wireToken(64).optional(),
});

export const HEADER_EXTENSION_URIS = [
  'urn:ietf:params:rtp-hdrext:sdes:mid',
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'urn:3gpp:video-orientation',
  'urn:ietf:params:rtp-hdrext:toffset',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
  'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
] as const;
const HeaderExtensionUriSchema = z.enum(HEADER_EXTENSION_URIS);

export const RtpParametersSchema = z.strictObject({
  mid: wireToken(32).optional(),
  msid: wireToken(256).optional(),
  codecs: z
    .array(
      z.strictObject({
        mimeType: wireToken(64),
        payloadType: z.number().int().min(0).max(127),
        clockRate: z.number().int().positive(),
        channels: z.number().int().positive().optional(),
        parameters: codecParameters.optional(),
        rtcpFeedback: z.array(RtcpFeedbackSchema).max(32).optional(),
      }),
    )
    .min(1)
    .max(16),
  headerExtensions: z
    .array(
      z.strictObject({
        uri: HeaderExtensionUriSchema,
        id: z.number().int().min(1).max(255),
        encrypt: z.boolean().optional(),
        parameters: codecParameters.optional(),
      }),
    )
    .max(32)
    .optional(),
  encodings: z
    .array(
      z.strictObject({
        ssrc: z.number().int().nonnegative().optional(),
        rid: wireToken(32).optional(),
        codecPayloadType: z.number().int().optional(),
        rtx: z.strictObject({ ssrc: z.number().int().nonnegative() }).optional(),
        dtx: z.boolean().optional(),
        scalabilityMode: wireToken(16).optional(),
        scaleResolutionDownBy: z.number().positive().optional(),
        maxBitrate: z.number().positive().optional(),
        maxFramerate: z.number().positive().optional(),
        adaptivePtime: z.boolean().optional(),
        priority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
        networkPriority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
        active: z.boolean().optional(),
      }),
    )
    .max(8)
    .optional(),
  rtcp: z
    .strictObject({
      cname: wireToken(256).optional(),
      reducedSize: z.boolean().optional(),
      mux: z.boolean().optional(),
    })
    .optional(),
});
export type RtpParametersWire = z.infer<typeof RtpParametersSchema>;
type Codec = RtpParametersWire['codecs'][number];
type HeaderExtension = NonNullable<RtpParametersWire['headerExtensions']>[number];
/** RTP parameters as the server sends them (mediasoup types codec parameters as unknown). */
export type RtpParametersOut = Omit<RtpParametersWire, 'codecs' | 'headerExtensions'> & {
  codecs: (Omit<Codec, 'parameters'> & { parameters?: Record<string, unknown> })[];
  headerExtensions?: (Omit<HeaderExtension, 'parameters'> & { parameters?: Record<string, unknown> })[];
};

export const RtpCapabilitiesSchema = z.strictObject({
  codecs: z
    .array(
      z.strictObject({
        kind: z.enum(['audio', 'video']),
        mimeType: wireToken(64),
        preferredPayloadType: z.number().int().min(0).max(127),
        clockRate: z.number().int().positive(),
        channels: z.number().int().positive().optional(),
        parameters: codecParameters.optional(),
        rtcpFeedback: z.array(RtcpFeedbackSchema).max(32).optional(),
      }),
    )
    .max(64)
    .optional(),
  headerExtensions: z
    .array(
      z.strictObject({
        kind: z.enum(['audio', 'video']),
        uri: HeaderExtensionUriSchema,
        preferredId: z.number().int().min(1).max(255),
        preferredEncrypt: z.boolean().optional(),
        direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
      }),
    )
    .max(64)
    .optional(),
});
export type RtpCapabilitiesWire = z.infer<typeof RtpCapabilitiesSchema>;
type CodecCapability = NonNullable<RtpCapabilitiesWire['codecs']>[number];
/** The router's capabilities as the server sends them (codec parameters typed as unknown). */
export type RouterRtpCapabilitiesOut = Omit<RtpCapabilitiesWire, 'codecs'> & {
  codecs?: (Omit<CodecCapability, 'parameters' | 'preferredPayloadType'> & {
    preferredPayloadType?: number;
    parameters?: Record<string, unknown>;
  })[];
};

/** Bytes of a certificate fingerprint per hash algorithm (RFC 8122: upper-case hex pairs joined by colons). */
export const FINGERPRINT_BYTES = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64 } as const;
const FingerprintSchema = z
  .strictObject({
    algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
    value: z.string().max(191),
  })
  .refine((f) => new RegExp(`^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){${FINGERPRINT_BYTES[f.algorithm] - 1}}$`).test(f.value), {
    message: 'must be the hash as hex byte pairs joined by colons, of the length its algorithm gives',
    path: ['value'],
  });

export const DtlsParametersSchema = z.strictObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(FingerprintSchema).min(1).max(8),
});

// ---- request payloads ----
export const CreateTransportSchema = z.strictObject({ direction: z.enum(['send', 'recv']) });
export const ConnectTransportSchema = z.strictObject({
  transportId: MediaIdSchema,
  dtlsParameters: DtlsParametersSchema,
});
export const RestartIceSchema = z.strictObject({ transportId: MediaIdSchema });
export const ProduceSchema = z.strictObject({
  transportId: MediaIdSchema,
  kind: z.enum(['audio', 'video']),
  rtpParameters: RtpParametersSchema,
  source: MediaSourceSchema,
  paused: z.boolean().optional(),
});
export const ConsumeSchema = z.strictObject({
  transportId: MediaIdSchema,
  producerId: MediaIdSchema,
  rtpCapabilities: RtpCapabilitiesSchema,
});
export const ProducerRefSchema = z.strictObject({ producerId: MediaIdSchema });
export const ConsumerRefSchema = z.strictObject({ consumerId: MediaIdSchema });
export const ConsumerLayersSchema = z.strictObject({
  consumerId: MediaIdSchema,
  spatialLayer: z.number().int().min(0).max(3),
  temporalLayer: z.number().int().min(0).max(3).optional(),
});

// ---- reply payloads (server-built, typed only) ----
export interface TransportOptionsWire {
  id: string;
  iceParameters: { usernameFragment: string; password: string; iceLite?: boolean };
  iceCandidates: {
    foundation: string;
    priority: number;
    address: string;
    ip?: string;
    protocol: 'udp' | 'tcp';
    port: number;
    type: 'host' | 'srflx' | 'prflx' | 'relay';
    tcpType?: 'active' | 'passive' | 'so';
  }[];
  dtlsParameters: z.infer<typeof DtlsParametersSchema>;
}

/** One TURN server entry, as RTCPeerConnection takes it. */
export interface IceServerWire {
  urls: string[];
  username: string;
  credential: string;
}

/** The TURN servers of the deployment with a fresh credential, and when that credential expires. */
export interface IceServersWire {
  iceServers: IceServerWire[];
  /** Unix ms after which the TURN server refuses the credential; null when there is none. */
  expiresAt: number | null;
}
export interface ConsumerOptionsWire {
  id: string;
  producerId: string;
  kind: 'audio' | 'video';
  rtpParameters: RtpParametersOut;
  participantId: string;
  source: z.infer<typeof MediaSourceSchema>;
  producerPaused: boolean;
}
