import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/server.js';
import { round, type Goal } from './goals.js';
import type { ForwardOptions, ForwardStep, Srtp } from './mediaForward.js';

// The media plane's goals, each beside its baseline measured in the same run with the same
// clip and core pinning (tests/bench/mediaForward.ts does one run in its own process):
//   P1: SRTP subscribers of one VP8 1 Mbit/s + Opus producer on one worker core (loss < 1 %,
//       worker CPU < 90 %), against the same with Debian's libsrtp2 (NSS crypto);
//   P2: worker CPU per forwarded SRTP packet, against plain RTP with the same binary.

/** The browsers' suite with mediasoup (DTLS-SRTP picks it first). */
const SUITE: Srtp = 'AEAD_AES_256_GCM';
/** By 100, then by 50 where one core's limit is expected. */
const RAMP = [100, 200, 300, 350, 400, 450, 500, 550, 600, 650, 700, 800, 900, 1000];
const PER_PACKET_AT = 200;
const ROUNDS = 3;

const median = (xs: number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : ((s[(s.length - 1) >> 1] ?? NaN) + (s[s.length >> 1] ?? NaN)) / 2;
};
const MAX_LOSS = 0.01;
const MAX_CPU = 0.9;

/** The sink, compiled once into the cache (keyed by its source). */
function sinkBinary(cacheDir: string): string {
  const source = path.join(repoRoot, 'tests/bench/rtpSink.c');
  const hash = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 12);
  const binary = path.join(cacheDir, `rtp-sink-${hash}`);
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    execFileSync('gcc', ['-O2', '-o', binary, source]);
  }
  return binary;
}

function runForward(workerBin: string, options: ForwardOptions): Promise<ForwardStep[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'tests/bench/mediaForward.ts'), JSON.stringify(options)],
      { env: { ...process.env, MEDIASOUP_WORKER_BIN: workerBin }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '[]') as ForwardStep[])
        : reject(new Error(`forwarding run exited ${code}`)),
    );
  });
}

/** The largest ramp step within the loss and CPU limits (0 if none). */
function capacity(steps: ForwardStep[]): number {
  let best = 0;
  for (const s of steps) {
    if (s.lossShare >= MAX_LOSS || s.workerCpu >= MAX_CPU) {
      break;
    }
    best = s.subscribers;
  }
  return best;
}

export async function mediaGoals(
  workerBin: string,
  baselineWorkerBin: string | undefined,
  log: (line: string) => void,
): Promise<{ goals: Goal[]; runs: Record<string, ForwardStep[]> }> {
  if (os.cpus().length < 2) {
    throw new Error('the media bench pins the worker to one core and the rest to another: it needs two cores');
  }
  const sink = sinkBinary(
    path.join(process.env['CONCORD_CACHE'] ?? path.join(os.homedir(), '.cache/concord'), 'bench'),
  );
  const runs: Record<string, ForwardStep[]> = {};
  const ramp = async (name: string, bin: string, srtp: Srtp) => {
    log(`media: ${name}`);
    runs[name] = await runForward(bin, { srtp, steps: RAMP, sink, maxLoss: MAX_LOSS, maxCpu: MAX_CPU });
    return runs[name];
  };
  // Per packet: the variants taken in turn, ROUNDS times, so that a slow spell of the machine
  // falls on all of them; the median of each.
  const perPacket = async (): Promise<Record<'plain' | 'openssl' | 'nss', number>> => {
    const variants: [string, string, Srtp][] = [
      ['plain', workerBin, 'none'],
      ['openssl', workerBin, SUITE],
      ...(baselineWorkerBin === undefined ? [] : [['nss', baselineWorkerBin, SUITE] as [string, string, Srtp]]),
    ];
    const samples: Record<string, number[]> = { plain: [], openssl: [], nss: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, bin, srtp] of variants) {
        log(`media: per packet, ${name}, round ${round + 1} of ${ROUNDS}`);
        const [step] = await runForward(bin, { srtp, steps: [PER_PACKET_AT], sink });
        (runs[`per packet, ${name}`] ??= []).push(...(step ? [step] : []));
        samples[name]?.push(step?.usPerPacket ?? NaN);
      }
    }
    return { plain: median(samples['plain']!), openssl: median(samples['openssl']!), nss: median(samples['nss']!) };
  };

  const goals: Goal[] = [];
  const opensslRamp = await ramp('SRTP ramp, OpenSSL worker', workerBin, SUITE);
  const nssRamp = baselineWorkerBin === undefined ? [] : await ramp('SRTP ramp, NSS worker', baselineWorkerBin, SUITE);
  const openssl = capacity(opensslRamp);
  const nss = baselineWorkerBin === undefined ? NaN : capacity(nssRamp);
  goals.push({
    id: 'P1',
    measure: `SRTP (${SUITE}) subscribers of one VP8 1 Mbit/s + Opus producer per worker core, loss < 1 %, worker CPU < 90 % (ramp by 50 from 300)`,
    value: openssl,
    baseline: nss,
    baselineWhat:
      baselineWorkerBin === undefined ? 'not run (no NSS worker)' : "bare mediasoup, Debian's libsrtp2 (NSS)",
    unit: 'subscribers',
    ratio: round(openssl / nss),
    goal: '≥ 500',
    met: openssl >= 500,
  });
  // P7 (worker side): memory per subscriber at the largest step both ramps reached within the limits.
  const memoryAt = Math.min(openssl, Number.isNaN(nss) ? openssl : nss);
  const kbAt = (steps: ForwardStep[]) => steps.find((x) => x.subscribers === memoryAt)?.workerKbPerSubscriber ?? NaN;
  goals.push({
    id: 'P7',
    measure: `worker memory per SRTP subscriber (resident, ${memoryAt} subscribers, video + audio consumer on its own transport)`,
    value: round(kbAt(opensslRamp), 1),
    baseline: round(kbAt(nssRamp), 1),
    baselineWhat: "the same, Debian's libsrtp2 (NSS)",
    unit: 'KB',
    ratio: round(kbAt(opensslRamp) / kbAt(nssRamp)),
    goal: '≤ 60 KB',
    met: kbAt(opensslRamp) <= 60,
  });
  const cost = await perPacket();
  goals.push({
    id: 'P2',
    measure: `worker CPU per forwarded packet with SRTP (${SUITE}), ${PER_PACKET_AT} subscribers, median of ${ROUNDS} turns (Debian's NSS libsrtp2: ${round(cost.nss)} µs)`,
    value: round(cost.openssl),
    baseline: round(cost.plain),
    baselineWhat: 'the same, plain RTP',
    unit: 'µs',
    ratio: round(cost.openssl / cost.plain),
    goal: '≤ 9 µs',
    met: cost.openssl <= 9,
  });
  return { goals, runs };
}
