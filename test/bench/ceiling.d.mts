// Types of ceiling.mjs's pure parts for the TypeScript tests beside it.
export interface SimWindowResult {
  seconds: number;
  connected: number[];
  acked: number;
  sent: number;
  latencyMs: { p99: number };
}
export interface StepFigures {
  targetPerSec: number;
  agents: number;
  connected: number[];
  sentPerSec: number;
  ackedPerSec: number;
  p99Ms: number;
  simCpuPct: number;
  simRunDelayPct?: number;
}
export function judgeStep(step: StepFigures, p99LimitMs?: number): string | null;
export function summarizeWindows(windows: readonly SimWindowResult[]): {
  seconds: number;
  connected: number[];
  sentPerSec: number;
  ackedPerSec: number;
  p99Ms: number;
  p99WorstMs: number;
  windowP99sMs: number[];
};
export function measureCeiling(ctx: unknown, opts: unknown): Promise<unknown>;
