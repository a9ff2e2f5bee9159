/** The shape of bench/results/recs-eval.json, shared by the evaluation and its plot. */
import type { SplitPair, Summary } from './recs-protocol';

export interface GridPoint {
  params: Record<string, number>;
  validation: Summary;
  /** Scored in an earlier run of the same method and split (same code and data), not retrained. */
  reused?: boolean;
}

export interface MethodResult {
  split: string;
  method: string;
  /** The knobs chosen on the validation window (best recall@10 of `grid`). */
  params: object;
  grid: GridPoint[];
  validation: Summary;
  test: Summary;
  /** Standard error of the test recall@10 over users. */
  testRecall10StdErr: number;
  testUsers: number;
  trainUsers: number;
  trainItems: number;
  trainEvents: number;
  /** Seconds to train the test model once (not the grid). */
  trainSeconds: number;
  gridSeconds: number;
  peakRssMB: number;
  /** The machine's 1/5/15-minute load average when this method's run started and ended. */
  loadAverage?: { start: number[]; end: number[] };
  backend?: string;
}

export interface Comparison {
  split: string;
  metric: 'recall10';
  a: string;
  b: string;
  bMinusA: number;
  stdErr: number;
  relative: number;
  relativeStdErr: number;
}

export interface EvalReport {
  generatedBy: string;
  data: string;
  grid: string;
  splits: Record<string, SplitPair>;
  protocol: string;
  machine: {
    cpus: string;
    node: string;
    loadAverageBefore: number[] | null;
    loadAverageAfter: number[] | null;
  };
  totalSeconds: number;
  results: MethodResult[];
  comparisons: Comparison[];
}
