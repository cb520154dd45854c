// A goal of the performance work: one figure beside its baseline, measured in the same run.

export interface Goal {
  id: string;
  measure: string;
  value: number;
  baseline: number;
  baselineWhat: string;
  unit: string;
  /** value ÷ baseline. */
  ratio: number;
  goal: string;
  met: boolean;
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
