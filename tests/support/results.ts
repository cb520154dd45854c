import fs from 'node:fs';
import path from 'node:path';
import { resultsDir } from './browser.js';

/**
 * Figures a test measured, for the closing notes and for people: appended, with the time, to
 * test-results/<name>.json, which keeps the last runs (median and worst over runs come from
 * there). Never an assertion: the tests assert the product's rules, this only keeps numbers.
 */
export function recordResult(name: string, value: Record<string, unknown>, keep = 10): Record<string, unknown>[] {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  let runs: Record<string, unknown>[] = [];
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    runs = Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [];
  } catch {
    // The first run.
  }
  runs = [...runs, { at: new Date().toISOString(), ...value }].slice(-keep);
  fs.writeFileSync(file, `${JSON.stringify(runs, null, 2)}\n`);
  return runs;
}

/** The median and the worst (largest) of some figures. */
export function medianAndWorst(values: readonly number[]): { median: number; worst: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN, worst: sorted[sorted.length - 1] ?? NaN };
}
