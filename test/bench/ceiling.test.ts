import { describe, expect, it } from 'vitest';
import { judgeStep, type SimWindowResult, summarizeWindows } from './ceiling.mjs';

const window = (p99: number, sent = 3000, acked = sent): SimWindowResult => ({
  seconds: 3,
  connected: [1000, 1000],
  sent,
  acked,
  latencyMs: { p99 },
});

const step = (figures: ReturnType<typeof summarizeWindows>) => ({
  targetPerSec: 1000,
  agents: 1000,
  connected: figures.connected,
  sentPerSec: figures.sentPerSec,
  ackedPerSec: figures.ackedPerSec,
  p99Ms: figures.p99Ms,
  simCpuPct: 30,
  simRunDelayPct: 0,
});

describe('a ceiling step measured over several windows', () => {
  it('is judged on the median window, so one stalled window does not stop the step', () => {
    const figures = summarizeWindows([window(120), window(1800), window(140), window(130), window(150)]);
    expect(figures.p99Ms).toBe(140);
    expect(judgeStep(step(figures))).toBeNull();
  });

  it('still reports the worst window beside the median', () => {
    const figures = summarizeWindows([window(120), window(1800), window(140)]);
    expect(figures.p99WorstMs).toBe(1800);
    expect(figures.windowP99sMs).toEqual([120, 1800, 140]);
  });

  it('stops the step when most windows pass the limit', () => {
    const figures = summarizeWindows([window(600), window(120), window(700)]);
    expect(figures.p99Ms).toBe(600);
    expect(judgeStep(step(figures))).toBe('hub');
  });

  it('takes the worse middle window when the count is even', () => {
    expect(summarizeWindows([window(100), window(400), window(600), window(200)]).p99Ms).toBe(400);
  });

  it('counts a window without any ack as over the limit', () => {
    const silent = { ...window(0, 3000, 0), latencyMs: { p99: Number.NaN } };
    const figures = summarizeWindows([silent, silent, window(100)]);
    expect(judgeStep(step(figures))).toBe('hub');
  });

  it('judges acknowledgements over every window together, not on the median one', () => {
    // 1 000/s sent in each window; the hub acked all of two windows but 70 % of the third: 90 %.
    const figures = summarizeWindows([window(100), window(100), window(100, 3000, 2100)]);
    expect(figures.ackedPerSec).toBeCloseTo(900, 6);
    expect(judgeStep(step(figures))).toBe('hub');
  });
});
