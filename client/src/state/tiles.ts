import type { Participant, ParticipantId, ProducerInfo, Session } from '@concord/shared';
import type { RemoteTrack } from '../media/MediaClient';
import type { ViewState } from './viewState';
import { spotlightIds } from './proceedings';

/** One tile of the grid: a person or a room device. */
export interface TileModel {
  participant: Participant;
  /** Null for roles that belong to no site; the tile is then labelled by role. */
  siteName: string | null;
  /** The site's position in the session, for its colour; null for no site. */
  siteIndex: number | null;
  isSelf: boolean;
  /** The camera to show; null when it is off, paused or not received (initials instead). */
  video: MediaStreamTrack | null;
  micOff: boolean;
  activeSpeaker: boolean;
  /** Has the floor (or is at the site that has it): shown large and first. */
  spotlight: boolean;
  /** A room device named after its site, in any of the site's names: labelled by the site alone. */
  namedAfterSite: boolean;
}

export interface ScreenShareModel {
  key: string;
  participant: Participant;
  siteName: string | null;
  track: MediaStreamTrack;
  isSelf: boolean;
}

interface RemoteMedia {
  camera: RemoteTrack | null;
  mic: ProducerInfo | null;
}

function siteOf(
  session: Session | null,
  participant: Participant,
  canonical: Session | null = null,
): { name: string | null; index: number | null; namedAfter: boolean } {
  if (!session || participant.siteId === null) {
    return { name: null, index: null, namedAfter: false };
  }
  const index = session.sites.findIndex((s) => s.id === participant.siteId);
  const site = session.sites[index];
  if (!site) {
    return { name: null, index: null, namedAfter: false };
  }
  const names = [site.name, ...Object.values(site.names ?? {}), canonical?.sites[index]?.name];
  return { name: site.name, index, namedAfter: names.includes(participant.displayName.trim()) };
}

function remoteMediaByParticipant(state: ViewState): Map<ParticipantId, RemoteMedia> {
  const byParticipant = new Map<ParticipantId, RemoteMedia>();
  const entry = (id: ParticipantId): RemoteMedia => {
    let media = byParticipant.get(id);
    if (!media) {
      media = { camera: null, mic: null };
      byParticipant.set(id, media);
    }
    return media;
  };
  for (const info of state.producers.values()) {
    if (info.source === 'mic') {
      entry(info.participantId).mic = info;
    }
  }
  for (const remote of state.remoteTracks.values()) {
    if (remote.source === 'camera' && remote.kind === 'video') {
      entry(remote.participantId).camera = remote;
    }
  }
  return byParticipant;
}

/**
 * The grid: the floor first, then grouped by site in the session's order, people without a
 * site last, self first in its group.
 */
export function buildTiles(state: ViewState): TileModel[] {
  const selfId = state.self?.id ?? null;
  const remoteMedia = remoteMediaByParticipant(state);
  const spotlit = spotlightIds(state.proceedings, state.participants);
  const tiles = [...state.participants.values()].map((participant): TileModel => {
    const site = siteOf(state.session, participant, state.record?.session ?? null);
    const isSelf = participant.id === selfId;
    const activeSpeaker = state.activeSpeaker?.participantId === participant.id;
    const spotlight = spotlit.has(participant.id);
    if (isSelf) {
      return {
        participant,
        siteName: site.name,
        siteIndex: site.index,
        namedAfterSite: site.namedAfter,
        isSelf,
        video: state.camera.enabled ? state.camera.track : null,
        micOff: !state.mic.enabled || state.mic.track === null,
        activeSpeaker,
        spotlight,
      };
    }
    const media = remoteMedia.get(participant.id);
    const camera = media?.camera ?? null;
    // Audio only: the server pauses every video our site receives, and a frozen last frame
    // would pass for a live picture.
    const cameraPaused =
      camera === null ||
      state.mediaMode.mode === 'audio-only' ||
      (state.producers.get(camera.producerId)?.paused ?? false);
    return {
      participant,
      siteName: site.name,
      siteIndex: site.index,
      namedAfterSite: site.namedAfter,
      isSelf,
      video: camera && !cameraPaused ? camera.track : null,
      micOff: !media?.mic || media.mic.paused,
      activeSpeaker,
      spotlight,
    };
  });
  return tiles.sort(compareTiles);
}

function compareTiles(a: TileModel, b: TileModel): number {
  if (a.spotlight !== b.spotlight) {
    return a.spotlight ? -1 : 1;
  }
  const siteA = a.siteIndex ?? Number.MAX_SAFE_INTEGER;
  const siteB = b.siteIndex ?? Number.MAX_SAFE_INTEGER;
  if (siteA !== siteB) {
    return siteA - siteB;
  }
  if (a.isSelf !== b.isSelf) {
    return a.isSelf ? -1 : 1;
  }
  return (
    a.participant.displayName.localeCompare(b.participant.displayName) ||
    a.participant.id.localeCompare(b.participant.id)
  );
}

export function buildScreenShares(state: ViewState): ScreenShareModel[] {
  const shares: ScreenShareModel[] = [];
  const self = state.self;
  if (self && state.screen.track) {
    shares.push({
      key: 'self',
      participant: self,
      siteName: siteOf(state.session, self).name,
      track: state.screen.track,
      isSelf: true,
    });
  }
  for (const remote of state.remoteTracks.values()) {
    const participant = state.participants.get(remote.participantId);
    const paused = state.producers.get(remote.producerId)?.paused ?? false;
    if (remote.source !== 'screen' || remote.kind !== 'video' || paused || !participant) {
      continue;
    }
    shares.push({
      key: remote.producerId,
      participant,
      siteName: siteOf(state.session, participant).name,
      track: remote.track,
      isSelf: false,
    });
  }
  return shares;
}

/** Every remote audio track, played whether or not its tile is on screen. */
export function remoteAudioTracks(state: ViewState): RemoteTrack[] {
  return [...state.remoteTracks.values()].filter((r) => r.kind === 'audio');
}

/** Up to two letters for a tile without video. */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const first = words[0];
  if (!first) {
    return '?';
  }
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letter = (word: string | undefined) => (word ? (Array.from(word)[0] ?? '') : '');
  return (letter(first) + letter(last)).toLocaleUpperCase();
}
