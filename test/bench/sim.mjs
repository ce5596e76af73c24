// Runs the fleet simulator (test/sim) as a child process and returns its JSON summary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCli } from './proc.mjs';

/** Start `npm run sim`'s program with these options; `done` resolves with the summary. */
export function startSim(
  ctx,
  { url, token, agents, intervalMs, durationSec, rampSec, name, sampleDelta = true, extra = [] },
) {
  const json = join(ctx.work, `sim-${name}.json`);
  const args = [
    '--hub',
    url,
    '--agents',
    String(agents),
    '--interval',
    `${intervalMs}ms`,
    '--duration',
    `${durationSec}s`,
    '--ramp',
    `${rampSec}s`,
    '--progress',
    '10',
    '--credentials',
    join(ctx.work, `sim-credentials-${name}.json`),
    '--json',
    json,
    // Frames masked with a zero key, written whole (test/sim/zero-mask-frame.ts): the hub unmasks
    // the same bytes, the simulator spends less of its core per report.
    '--zero-mask',
    // Samples as changes, as the real agent sends them (the hub rebuilds each whole sample and keeps
    // a carry per socket). The ceiling turns it off: its rates need the simulator's templates.
    ...(sampleDelta ? ['--sample-delta'] : []),
    ...(token ? ['--token', token] : []),
    ...extra,
  ];
  const sim = startCli(ctx.pin(1), ctx.simBin, args, { stdin: true });
  ctx.children.push(sim.child);
  sim.child.stdout.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) ctx.log(`  sim ${name}: ${line}`);
  });
  const done = sim.exited.then((code) => {
    if (code !== 0) throw new Error(`simulator ${name} exited with ${code}:\n${sim.output.slice(-2000)}`);
    return JSON.parse(readFileSync(json, 'utf8'));
  });
  return { sim, done };
}

/**
 * A measurement window on a running simulator: `start()` marks it, `end()` resolves with the
 * send→ack latency since the mark and the acked/sent rates over it.
 */
export function simWindow(sim) {
  let began;
  let before;
  const ask = async () => {
    const seen = (sim.output.match(/^mark \{.*\}$/gm) ?? []).length;
    sim.child.stdin.write('mark?\n');
    for (;;) {
      const all = sim.output.match(/^mark (\{.*\})$/gm) ?? [];
      if (all.length > seen) return JSON.parse(all[seen].slice('mark '.length));
      if (sim.child.exitCode !== null) throw new Error('simulator exited during a measurement window');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    async start() {
      before = await ask();
      sim.child.stdin.write('mark\n');
      began = performance.now();
    },
    async end() {
      const after = await ask();
      const seconds = (performance.now() - began) / 1000;
      const { acked, sent, connected, ...latency } = after;
      return {
        seconds,
        // Agents welcomed at the start and at the end of the window (a hub slow to welcome them
        // leaves agents that cannot send yet: their share of the rate asked is the hub's miss).
        connected: [before.connected, connected],
        ackedPerSec: (acked - before.acked) / seconds,
        sentPerSec: (sent - before.sent) / seconds,
        latencyMs: latency,
      };
    },
  };
}
