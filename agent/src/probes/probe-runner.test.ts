import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import { createProbeRunner, type ProbeResultReport } from './probe-runner.js';

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

async function until(what: string, probe: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function listener(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => server.close());
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

function runner(results: ProbeResultReport[]) {
  const probes = createProbeRunner({
    clock: Date.now,
    random: () => 0,
    log: SILENT_LOG,
    report: (result) => results.push(result),
    ping: { ping: async () => ({ ok: false, output: '' }), icmp: async () => false },
  });
  stops.push(() => probes.stop());
  return probes;
}

const tcp = (id: string, port: number) => ({
  id,
  kind: 'tcp' as const,
  host: '127.0.0.1',
  port,
  intervalSec: 1,
  timeoutMs: 500,
});

describe('probe runner', () => {
  it('runs each assigned probe every interval and reports its results with the probe id', async () => {
    const port = await listener();
    const results: ProbeResultReport[] = [];
    const probes = runner(results);
    probes.assign({ type: 'probes', allow: ['127.0.0.1/32'], probes: [tcp('prb_a', port)] });
    expect(probes.size).toBe(1);
    await until('two results', () => results.length >= 2);
    expect(results[0]).toMatchObject({ type: 'probeResult', probeId: 'prb_a', outcome: 'ok', method: 'tcp' });
    expect(results[1]!.at).toBeGreaterThan(results[0]!.at);
  });

  it('reports a probe its allowlist refuses as refused, every interval', async () => {
    const port = await listener();
    const results: ProbeResultReport[] = [];
    runner(results).assign({ type: 'probes', allow: ['10.0.0.0/8'], probes: [tcp('prb_b', port)] });
    await until('a result', () => results.length >= 1);
    expect(results[0]).toMatchObject({ probeId: 'prb_b', outcome: 'refused', error: 'TARGET_NOT_ALLOWED' });
  });

  it('stops running what a new assignment leaves out', async () => {
    const port = await listener();
    const results: ProbeResultReport[] = [];
    const probes = runner(results);
    probes.assign({ type: 'probes', allow: ['127.0.0.1/32'], probes: [tcp('prb_c', port)] });
    await until('a result', () => results.length >= 1);
    probes.assign({ type: 'probes', allow: ['127.0.0.1/32'], probes: [tcp('prb_d', port)] });
    const switched = results.length;
    await until('a result of the new probe', () =>
      results.slice(switched).some((r) => r.probeId === 'prb_d'),
    );
    await until('two more results', () => results.length >= switched + 3);
    // One run of the old probe may have been in flight when the assignment changed, not more.
    expect(results.slice(switched + 1).filter((r) => r.probeId === 'prb_c')).toEqual([]);
    probes.assign({ type: 'probes', allow: [], probes: [] });
    expect(probes.size).toBe(0);
  });
});
