import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { HealthUpdate } from '@concord/shared';
import { repoRoot } from './server.js';

/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Flags that work on this machine: fake camera and microphone, no prompts, and no
// background traffic to Google (the network is closed and refused connections pile up).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/**
 * `executablePath` runs the browser elsewhere (inside a city of the network test bed);
 * `secureOrigins` are plain-HTTP origins the browser treats as secure (cameras need a secure
 * context, and the bed's nodes serve HTTP on their own addresses, not on localhost).
 */
export async function launchChromium(
  options: {
    executablePath?: string;
    secureOrigins?: readonly string[];
    /** Extra environment, e.g. a HOME whose NSS database trusts a test certificate. */
    env?: Record<string, string>;
    /** A 16-bit PCM WAV the fake microphone plays in a loop instead of its beep. */
    fakeAudioFile?: string;
  } = {},
): Promise<Browser> {
  const origins = options.secureOrigins ?? [];
  const args = [
    ...CHROMIUM_ARGS,
    ...(origins.length === 0 ? [] : [`--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`]),
    ...(options.fakeAudioFile === undefined ? [] : [`--use-file-for-fake-audio-capture=${options.fakeAudioFile}`]),
  ];
  return chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
    args,
  });
}

/** One browser context per actor, like separate people on separate machines. */
export async function newActor(browser: Browser, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['camera', 'microphone']);
  const page = await context.newPage();
  page.on('pageerror', (err) => process.stderr.write(`[${name}] page error: ${err.message}\n`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || process.env['E2E_CONSOLE'] === '1') {
      process.stderr.write(`[${name} ${new Date().toISOString().slice(11, 23)}] ${msg.type()}: ${msg.text()}\n`);
    }
  });
  return { context, page };
}

export const resultsDir = path.join(repoRoot, 'test-results');

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface InboundSample {
  participantId: string;
  producerId: string;
  consumerId: string;
  kind: 'audio' | 'video';
  bytesReceived: number;
  framesDecoded?: number;
  frameWidth?: number;
  totalSamplesReceived?: number;
  concealedSamples?: number;
  silentConcealedSamples?: number;
}

/** The inbound-rtp counters of every consumer, read from the page's RTCPeerConnection stats. */
export async function inbound(page: Page): Promise<InboundSample[]> {
  return page.evaluate(async () => {
    const hook = (window as unknown as { __concord?: { stats(): Promise<InboundSample[]> } }).__concord;
    return hook ? hook.stats() : [];
  });
}

/** Bytes received from one participant, per kind. */
export async function bytesFrom(page: Page, participantId: string): Promise<{ audio: number; video: number }> {
  const samples = await inbound(page);
  const sum = (kind: 'audio' | 'video') =>
    samples
      .filter((s) => s.participantId === participantId && s.kind === kind)
      .reduce((n, s) => n + s.bytesReceived, 0);
  return { audio: sum('audio'), video: sum('video') };
}

/**
 * Whether media of both kinds from `from` arrives at `to` through a consumer that grew since
 * `since` (an `inbound` reading): a new consumer, or one that was stalled and moves again.
 * Sums would mislead when consumers are replaced (a closed one's bytes leave the sum).
 */
export async function flowingSince(to: Page, from: string, since: InboundSample[]): Promise<boolean> {
  const now = (await inbound(to)).filter((s) => s.participantId === from);
  const grew = (kind: 'audio' | 'video') =>
    now.some(
      (s) =>
        s.kind === kind && s.bytesReceived > (since.find((b) => b.consumerId === s.consumerId)?.bytesReceived ?? 0),
    );
  return grew('audio') && grew('video');
}

/** The rendered size and play state of the remote video of one participant. */
export async function remoteVideo(
  page: Page,
  participantId: string,
): Promise<{ width: number; height: number; playing: boolean } | null> {
  return page.evaluate((id) => {
    const v = document.querySelector<HTMLVideoElement>(
      `video[data-testid="remote-video"][data-participant-id="${id}"]`,
    );
    if (!v) {
      return null;
    }
    return { width: v.videoWidth, height: v.videoHeight, playing: !v.paused && v.readyState >= 2 };
  }, participantId);
}

/** How long media may take to start flowing (ICE, DTLS, first key frame) on a loaded CI machine. */
export const MEDIA_TIMEOUT_MS = 30_000;

export interface Actor {
  page: Page;
  participantId: string;
}

export async function joinThroughUi(
  browser: Browser,
  url: string,
  name: string,
  /** `beforeJoin`: called just before the click on join (to time what follows from it). */
  hooks: { beforeJoin?: () => void } = {},
): Promise<Actor> {
  const { page } = await newActor(browser, name);
  await page.goto(url);
  // The device check shows the camera before joining.
  await expect
    .poll(() => page.locator('[data-testid="camera-preview"]').evaluate((v: HTMLVideoElement) => v.videoWidth), {
      timeout: MEDIA_TIMEOUT_MS,
    })
    .toBeGreaterThan(0);
  hooks.beforeJoin?.();
  await page.getByTestId('join-button').click();
  await page.getByTestId('session-screen').waitFor({ timeout: MEDIA_TIMEOUT_MS });
  await expect.poll(() => page.evaluate(() => window.__concord?.state().participantId ?? null)).not.toBeNull();
  const participantId = await page.evaluate(() => window.__concord!.state().participantId!);
  return { page, participantId };
}

declare global {
  interface Window {
    __concord?: {
      state(): { joined: boolean; participantId: string | null; connection: string };
      stats(): Promise<unknown[]>;
      health?(): HealthUpdate | null;
    };
  }
}

/** Both kinds of media from `from` keep arriving at `to`: the byte counters grow between two reads. */
export async function expectMediaFlowing(to: Actor, from: Actor): Promise<void> {
  await expect
    .poll(() => remoteVideo(to.page, from.participantId), { timeout: MEDIA_TIMEOUT_MS })
    .toMatchObject({ playing: true });
  await expect
    .poll(async () => (await remoteVideo(to.page, from.participantId))?.width ?? 0, { timeout: MEDIA_TIMEOUT_MS })
    .toBeGreaterThan(0);
  const first = await bytesFrom(to.page, from.participantId);
  await expect
    .poll(
      async () => {
        const now = await bytesFrom(to.page, from.participantId);
        return now.audio > first.audio && now.video > first.video;
      },
      { timeout: MEDIA_TIMEOUT_MS },
    )
    .toBe(true);
  const second = await bytesFrom(to.page, from.participantId);
  await expect
    .poll(
      async () => {
        const now = await bytesFrom(to.page, from.participantId);
        return now.audio > second.audio && now.video > second.video;
      },
      { timeout: MEDIA_TIMEOUT_MS },
    )
    .toBe(true);
}
