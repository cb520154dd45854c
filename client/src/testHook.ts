import type { HealthUpdate, IcePath, Issue, MediaMode, Proceedings } from '@concord/shared';
import type { ConsumerStats } from './media/MediaClient';
import type { SessionController } from './state/SessionController';

/** What end-to-end tests read with `page.evaluate(() => window.__concord...)`. */
export interface ConcordTestHook {
  /** Inbound RTP counters, one entry per consumer. */
  stats(): Promise<ConsumerStats[]>;
  state(): { joined: boolean; participantId: string | null; connection: string };
  /** The agenda and floor as this client holds them now. */
  proceedings(): Proceedings | null;
  /** Whether this participant holds the chair now. */
  isChair(): boolean;
  /** The issue queue as this client holds it now, in display order (`orderIssues`). */
  issues(): Issue[];
  /** The last health board this client received (operators and the chair), or null. */
  health(): HealthUpdate | null;
  /** This client's site media mode, as the server last set it. */
  mediaMode(): MediaMode;
  /** The ICE path of each of this client's transports (direct UDP or TCP, or through TURN). */
  paths(): Promise<IcePath[]>;
}

declare global {
  interface Window {
    __concord?: ConcordTestHook;
  }
}

let active: SessionController | null = null;

export function setActiveController(controller: SessionController | null): void {
  active = controller;
}

export function installTestHook(): void {
  window.__concord = {
    stats: () => (active ? active.stats() : Promise.resolve([])),
    state: () => active?.testState() ?? { joined: false, participantId: null, connection: 'disconnected' },
    proceedings: () => active?.proceedings() ?? null,
    isChair: () => active?.isChair() ?? false,
    issues: () => active?.issues() ?? [],
    health: () => active?.health() ?? null,
    mediaMode: () => active?.mediaMode() ?? 'full',
    paths: () => (active ? active.icePaths() : Promise.resolve([])),
  };
}
