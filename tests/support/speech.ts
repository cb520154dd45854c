import fs from 'node:fs';
import path from 'node:path';

// A speech-like microphone for the browsers of the network tests. Chromium's own fake
// microphone plays a pure beep, which Opus codes as music: without a voice it sends no
// in-band FEC, so a test of "speech survives loss" would measure a case no committee has.
// This makes voiced syllables from a source-filter model (a glottal pulse train at a
// gliding pitch through three vowel formants), with fricatives and pauses between words,
// written once as the 16-bit PCM WAV that `--use-file-for-fake-audio-capture` plays in a loop.

const RATE = 48_000;
const SECONDS = 12;

/** F1, F2, F3 (Hz) of a few vowels. */
const VOWELS: readonly (readonly [number, number, number])[] = [
  [730, 1090, 2440], // a
  [270, 2290, 3010], // i
  [300, 870, 2240], // u
  [530, 1840, 2480], // e
  [570, 840, 2410], // o
];

/** A small deterministic generator: the same file every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One two-pole resonator per formant, in cascade. */
function formants(input: Float64Array, [f1, f2, f3]: readonly [number, number, number]): Float64Array {
  let signal = input;
  for (const [f, bw] of [
    [f1, 90],
    [f2, 110],
    [f3, 170],
  ] as const) {
    const r = Math.exp((-Math.PI * bw) / RATE);
    const b1 = 2 * r * Math.cos((2 * Math.PI * f) / RATE);
    const b2 = -r * r;
    const gain = 1 - b1 - b2;
    const out = new Float64Array(signal.length);
    for (let n = 0; n < signal.length; n++) {
      out[n] = gain * (signal[n] ?? 0) + b1 * (out[n - 1] ?? 0) + b2 * (out[n - 2] ?? 0);
    }
    signal = out;
  }
  return signal;
}

function syllable(random: () => number, ms: number): Float64Array {
  const length = Math.round((RATE * ms) / 1000);
  const source = new Float64Array(length);
  const f0Start = 110 + random() * 70;
  const f0End = f0Start * (0.8 + random() * 0.35);
  let phase = 0;
  for (let n = 0; n < length; n++) {
    const f0 = f0Start + ((f0End - f0Start) * n) / length;
    phase += f0 / RATE;
    // A glottal pulse: a short rise and a sharp close once per period.
    const p = phase % 1;
    source[n] = p < 0.6 ? Math.sin((Math.PI * p) / 0.6) ** 2 : 0;
    source[n] = (source[n] ?? 0) - 0.3 + (random() - 0.5) * 0.05;
  }
  const vowel = VOWELS[Math.floor(random() * VOWELS.length)] ?? VOWELS[0]!;
  const voiced = formants(source, vowel);
  // Onset and decay, as a syllable's loudness goes.
  for (let n = 0; n < length; n++) {
    const t = n / length;
    voiced[n] = (voiced[n] ?? 0) * Math.min(1, t * 8) * Math.min(1, (1 - t) * 4);
  }
  return voiced;
}

function fricative(random: () => number, ms: number): Float64Array {
  const length = Math.round((RATE * ms) / 1000);
  const out = new Float64Array(length);
  let last = 0;
  for (let n = 0; n < length; n++) {
    const white = random() - 0.5;
    // High-passed noise, like an "s".
    out[n] = (white - last) * 0.25 * Math.sin((Math.PI * n) / length);
    last = white;
  }
  return out;
}

export function speechSamples(seed = 7): Float64Array {
  const random = prng(seed);
  const total = RATE * SECONDS;
  const out = new Float64Array(total);
  let at = Math.round(RATE * 0.2);
  while (at < total) {
    // A word: one to three syllables, sometimes starting with a fricative.
    const parts: Float64Array[] = [];
    if (random() < 0.4) {
      parts.push(fricative(random, 60 + random() * 60));
    }
    const syllables = 1 + Math.floor(random() * 3);
    for (let i = 0; i < syllables; i++) {
      parts.push(syllable(random, 140 + random() * 120));
    }
    for (const part of parts) {
      for (let n = 0; n < part.length && at + n < total; n++) {
        out[at + n] = part[n] ?? 0;
      }
      at += part.length;
    }
    // A short gap between words, a longer one now and then between phrases.
    at += Math.round(RATE * (random() < 0.2 ? 0.5 + random() * 0.3 : 0.08 + random() * 0.12));
  }
  let peak = 0;
  for (const v of out) {
    peak = Math.max(peak, Math.abs(v));
  }
  for (let n = 0; n < total; n++) {
    out[n] = ((out[n] ?? 0) / (peak || 1)) * 0.6;
  }
  return out;
}

/** The samples as a mono 16-bit PCM WAV file's bytes. */
export function wav(samples: Float64Array, rate = RATE): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => data.writeInt16LE(Math.max(-32_768, Math.min(32_767, Math.round(v * 32_767))), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** The speech file's path in `dir`, written on first use (readable by a browser in a city namespace). */
export function speechFile(dir: string): string {
  const file = path.join(dir, 'speech.wav');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, wav(speechSamples()));
  }
  return file;
}
