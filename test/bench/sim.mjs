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
 * Measurement windows on a running simulator: `start()` marks the first, `next()` ends the current
 * one and starts the next at the same instant, `end()` ends the last. Each resolves with the
 * send→ack latency since its mark and the acked/sent rates over it.
 */
export function simWindow(sim) {
  let began;
  let before;
  // `mark?` and `mark` in one write: the simulator reads both lines in one turn of its event loop,
  // so no ack falls between the end of one window and the start of the next.
  const ask = async (andMark) => {
    const seen = (sim.output.match(/^mark \{.*\}$/gm) ?? []).length;
    sim.child.stdin.write(andMark ? 'mark?\nmark\n' : 'mark?\n');
    for (;;) {
      const all = sim.output.match(/^mark (\{.*\})$/gm) ?? [];
      if (all.length > seen) return JSON.parse(all[seen].slice('mark '.length));
      if (sim.child.exitCode !== null) throw new Error('simulator exited during a measurement window');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const close = async (andMark) => {
    const after = await ask(andMark);
    const now = performance.now();
    const seconds = (now - began) / 1000;
    const { acked, sent, connected, ...latency } = after;
    const window = {
      seconds,
      // Agents welcomed at the start and at the end of the window (a hub slow to welcome them
      // leaves agents that cannot send yet: their share of the rate asked is the hub's miss).
      connected: [before.connected, connected],
      acked: acked - before.acked,
      sent: sent - before.sent,
      ackedPerSec: (acked - before.acked) / seconds,
      sentPerSec: (sent - before.sent) / seconds,
      latencyMs: latency,
    };
    before = after;
    began = now;
    return window;
  };
  return {
    async start() {
      before = await ask(true);
      began = performance.now();
    },
    next: () => close(true),
    end: () => close(false),
  };
}
