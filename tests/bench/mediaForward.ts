import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import readline from 'node:readline';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

// One run of the forwarding bench, in its own process because mediasoup reads the worker's path
// (MEDIASOUP_WORKER_BIN) once, at import: one VP8 1 Mbit/s + Opus producer, fed over a
// PlainTransport, forwarded to a growing number of subscribers on PlainTransports (SRTP or plain
// RTP). The worker is pinned to core 0, this process and the sink to core 1. Per step: the
// worker's CPU (from /proc/<pid>/task/*/schedstat), packets and sequence gaps at the sink.
//
//   node --import tsx tests/bench/mediaForward.ts '{"srtp":"AEAD_AES_256_GCM","steps":[100,200],"sink":"/path/rtp-sink"}'
// prints one JSON line per step: { subscribers, workerCpu, packets, lossShare, usPerPacket }.

export type Srtp = 'none' | types.SrtpCryptoSuite;
export interface ForwardOptions {
  srtp: Srtp;
  steps: number[];
  sink: string;
  measureMs?: number;
  warmupMs?: number;
  /** The ramp ends after the first step at or over either limit. */
  maxLoss?: number;
  maxCpu?: number;
}
export interface ForwardStep {
  subscribers: number;
  /** Share of one core the worker used. */
  workerCpu: number;
  packetsPerSecond: number;
  lossShare: number;
  usPerPacket: number;
  /** The worker's resident memory added per subscriber since the producer alone (KB). */
  workerKbPerSubscriber: number;
}

const VIDEO_SSRC = 11_111_111;
const AUDIO_SSRC = 22_222_222;
const VIDEO_PT = 101;
const AUDIO_PT = 100;
/** 1 Mbit/s of VP8 at 30 frames/s: four packets of 1,030 bytes a frame; a key frame every second. */
const FPS = 30;
const PACKETS_PER_FRAME = 4;
const VIDEO_PAYLOAD = 1_030;
/** Opus: 20 ms frames of 100 bytes. */
const AUDIO_PAYLOAD = 100;

function rtp(pt: number, seq: number, ts: number, ssrc: number, marker: boolean, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (marker ? 0x80 : 0) | pt;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE(ts >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, payload]);
}

/** A VP8 packet: payload descriptor (S bit on the frame's first packet) and, first, a frame tag. */
function vp8Payload(first: boolean, key: boolean): Buffer {
  const payload = Buffer.alloc(VIDEO_PAYLOAD, 0x5a);
  payload[0] = first ? 0x10 : 0x00;
  if (first) {
    // Frame tag: bit 0 clear on a key frame, then the key frame start code and 640x360.
    payload[1] = key ? 0x00 : 0x01;
    payload.set([0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01], 2);
  }
  return payload;
}

/** Sends the producer's packets in real time until stopped. */
function startSender(port: number): () => void {
  const socket = dgram.createSocket('udp4');
  let videoSeq = 0;
  let audioSeq = 0;
  let frame = 0;
  let audioFrame = 0;
  const start = performance.now();
  const timer = setInterval(() => {
    const elapsed = performance.now() - start;
    while (frame < (elapsed * FPS) / 1000) {
      const key = frame % FPS === 0;
      for (let i = 0; i < PACKETS_PER_FRAME; i++) {
        const packet = rtp(
          VIDEO_PT,
          videoSeq++,
          frame * (90_000 / FPS),
          VIDEO_SSRC,
          i === PACKETS_PER_FRAME - 1,
          vp8Payload(i === 0, key),
        );
        socket.send(packet, port, '127.0.0.1');
      }
      frame++;
    }
    while (audioFrame < elapsed / 20) {
      socket.send(
        rtp(AUDIO_PT, audioSeq++, audioFrame * 960, AUDIO_SSRC, false, Buffer.alloc(AUDIO_PAYLOAD, 0x33)),
        port,
        '127.0.0.1',
      );
      audioFrame++;
    }
  }, 5);
  return () => {
    clearInterval(timer);
    socket.close();
  };
}

/** Resident memory of a process (KB). */
function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
}

function cpuNs(pid: number): number {
  let total = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const fields = fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ');
    total += Number(fields[0]);
  }
  return total;
}

interface Sink {
  port: number;
  report(): Promise<{ packets: number; bytes: number; lost: number }>;
  stop(): void;
}

async function startSink(binary: string): Promise<Sink> {
  const child: ChildProcess = spawn('taskset', ['-c', '1', binary, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const queue: ((line: string) => void)[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`rtp-sink exited with ${code}`)));
    lines.once('line', (line) => resolve(Number(line.split(' ')[1])));
  });
  lines.on('line', (line) => queue.shift()?.(line));
  return {
    port,
    report: () =>
      new Promise((resolve) => {
        queue.push((line) => resolve(JSON.parse(line) as { packets: number; bytes: number; lost: number }));
        child.kill('SIGUSR1');
      }),
    stop: () => child.kill('SIGKILL'),
  };
}

export async function forward(options: ForwardOptions): Promise<ForwardStep[]> {
  const measureMs = options.measureMs ?? 5_000;
  const warmupMs = options.warmupMs ?? 2_000;
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const worker = await mediasoup.createWorker({ logLevel: 'error' });
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(worker.pid)], { stdio: 'ignore' });
  const sink = await startSink(options.sink);
  const router = await worker.createRouter({
    mediaCodecs: [
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000 },
    ],
  });
  const ingest = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: true,
  });
  const producers = [
    await ingest.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90_000 }],
        encodings: [{ ssrc: VIDEO_SSRC }],
      },
    }),
    await ingest.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48_000, channels: 2 }],
        encodings: [{ ssrc: AUDIO_SSRC }],
      },
    }),
  ];
  const stopSender = startSender(ingest.tuple.localPort);
  await new Promise((r) => setTimeout(r, 500));
  const rss0 = rssKb(worker.pid);
  const steps: ForwardStep[] = [];
  let subscribers = 0;
  try {
    for (const target of options.steps) {
      for (; subscribers < target; subscribers++) {
        const srtp = options.srtp !== 'none';
        const transport = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: true,
          comedia: false,
          enableSrtp: srtp,
          ...(srtp ? { srtpCryptoSuite: options.srtp as types.SrtpCryptoSuite } : {}),
        });
        await transport.connect({
          ip: '127.0.0.1',
          port: sink.port,
          ...(srtp && transport.srtpParameters ? { srtpParameters: transport.srtpParameters } : {}),
        });
        for (const producer of producers) {
          await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
        }
      }
      await new Promise((r) => setTimeout(r, warmupMs));
      await sink.report();
      const cpu0 = cpuNs(worker.pid);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, measureMs));
      const counts = await sink.report();
      const cpuUsedNs = cpuNs(worker.pid) - cpu0;
      const wallMs = performance.now() - t0;
      const step: ForwardStep = {
        subscribers,
        workerCpu: cpuUsedNs / 1e6 / wallMs,
        packetsPerSecond: (counts.packets * 1000) / wallMs,
        lossShare: counts.packets + counts.lost > 0 ? counts.lost / (counts.packets + counts.lost) : 1,
        usPerPacket: counts.packets > 0 ? cpuUsedNs / 1000 / counts.packets : NaN,
        workerKbPerSubscriber: (rssKb(worker.pid) - rss0) / subscribers,
      };
      steps.push(step);
      process.stderr.write(`[bench]   ${JSON.stringify(step)}\n`);
      if (step.lossShare >= (options.maxLoss ?? 1) || step.workerCpu >= (options.maxCpu ?? 1)) {
        break;
      }
    }
  } finally {
    stopSender();
    sink.stop();
    worker.close();
  }
  return steps;
}

if (process.argv[1]?.endsWith('mediaForward.ts')) {
  const options = JSON.parse(process.argv[2] ?? '{}') as ForwardOptions;
  forward(options).then(
    (steps) => {
      process.stdout.write(`${JSON.stringify(steps)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
