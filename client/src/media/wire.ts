import {
  HEADER_EXTENSION_URIS,
  type RouterRtpCapabilitiesOut,
  type RtpCapabilitiesWire,
  type RtpParametersWire,
  type TransportOptionsWire,
} from '@concord/shared';
import type { types } from 'mediasoup-client';

// Conversions between mediasoup-client's types and the wire types in shared/media.ts.
// Outgoing values are rebuilt field by field: the server's schemas are strict, so an
// extra field mediasoup-client might add one day must not reach the wire. The wire types
// are narrower (codec parameter values are string | number, header extension URIs are a
// closed list), so values outside them are left out here rather than cast.

type WireHeaderExtensionUri = (typeof HEADER_EXTENSION_URIS)[number];
type CodecParametersWire = Record<string, string | number>;

const isWireHeaderExtensionUri = (uri: string): uri is WireHeaderExtensionUri =>
  HEADER_EXTENSION_URIS.some((known) => known === uri);

function toCodecParameters(parameters: Record<string, unknown> | undefined): CodecParametersWire | undefined {
  if (!parameters) {
    return undefined;
  }
  const out: CodecParametersWire = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value === 'string' || typeof value === 'number') {
      out[key] = value;
    }
  }
  return out;
}

function toRtcpFeedback(feedback: types.RtcpFeedback[] | undefined) {
  return feedback?.map(({ type, parameter }) => ({ type, parameter }));
}

export function toRtpParametersWire(p: types.RtpParameters): RtpParametersWire {
  return {
    mid: p.mid,
    msid: p.msid,
    codecs: p.codecs.map((c) => ({
      mimeType: c.mimeType,
      payloadType: c.payloadType,
      clockRate: c.clockRate,
      channels: c.channels,
      parameters: toCodecParameters(c.parameters),
      rtcpFeedback: toRtcpFeedback(c.rtcpFeedback),
    })),
    headerExtensions: p.headerExtensions?.flatMap((h) => {
      const uri = h.uri;
      return isWireHeaderExtensionUri(uri)
        ? [{ uri, id: h.id, encrypt: h.encrypt, parameters: toCodecParameters(h.parameters) }]
        : [];
    }),
    encodings: p.encodings?.map((e) => ({
      ssrc: e.ssrc,
      rid: e.rid,
      codecPayloadType: e.codecPayloadType,
      rtx: e.rtx ? { ssrc: e.rtx.ssrc } : undefined,
      dtx: e.dtx,
      scalabilityMode: e.scalabilityMode,
      scaleResolutionDownBy: e.scaleResolutionDownBy,
      maxBitrate: e.maxBitrate,
      maxFramerate: e.maxFramerate,
      adaptivePtime: e.adaptivePtime,
      priority: e.priority,
      networkPriority: e.networkPriority,
      active: e.active,
    })),
    rtcp: p.rtcp ? { cname: p.rtcp.cname, reducedSize: p.rtcp.reducedSize, mux: p.rtcp.mux } : undefined,
  };
}

export function toRtpCapabilitiesWire(c: types.RtpCapabilities): RtpCapabilitiesWire {
  return {
    codecs: c.codecs?.map((codec) => ({
      kind: codec.kind,
      mimeType: codec.mimeType,
      preferredPayloadType: codec.preferredPayloadType,
      clockRate: codec.clockRate,
      channels: codec.channels,
      parameters: toCodecParameters(codec.parameters),
      rtcpFeedback: toRtcpFeedback(codec.rtcpFeedback),
    })),
    headerExtensions: c.headerExtensions?.flatMap((h) => {
      const uri = h.uri;
      return isWireHeaderExtensionUri(uri)
        ? [
            {
              kind: h.kind,
              uri,
              preferredId: h.preferredId,
              preferredEncrypt: h.preferredEncrypt,
              direction: h.direction,
            },
          ]
        : [];
    }),
  };
}

/**
 * The router's capabilities for Device.load(). mediasoup types a router codec's
 * preferredPayloadType as optional, but a router always fills it in; a codec without one
 * could not be negotiated anyway, so it is left out.
 */
export function toDeviceRtpCapabilities(caps: RouterRtpCapabilitiesOut): types.RtpCapabilities {
  return {
    codecs: caps.codecs?.flatMap(({ preferredPayloadType, ...codec }) =>
      preferredPayloadType === undefined ? [] : [{ ...codec, preferredPayloadType }],
    ),
    headerExtensions: caps.headerExtensions,
  };
}

/** mediasoup-client still requires the deprecated `ip` of a candidate; the server may send only `address`. */
export function toTransportOptions(wire: TransportOptionsWire): types.TransportOptions {
  return {
    id: wire.id,
    iceParameters: wire.iceParameters,
    iceCandidates: wire.iceCandidates.map((c) => ({ ...c, ip: c.ip ?? c.address })),
    dtlsParameters: wire.dtlsParameters,
  };
}
