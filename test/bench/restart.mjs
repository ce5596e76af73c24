// A hub restart is not an outage (docs/decisions/0023): simulated agents connected to a hub on
// stock silence timings, the hub killed with kill -9 and started again after longer than the
// grace. Measured: how the agents come back (welcomes per second, time until all are back, from
// the moment the hub listens), the false pages (host.silent and site.silent opened for hosts that
// came back: must be 0; no channel is configured, so each is what would have paged), and what the
// 10 s heartbeat costs: hub CPU over idle sockets pinged every hour (before the kill) and every
// 10 s (after), the difference.
import Database from 'better-sqlite3';
import { cpuSecondsOf, sleep, startCli, waitForLine } from './proc.mjs';
import { startSim } from './sim.mjs';

const STOCK = { heartbeatSec: 10, graceSec: 30, sweepSec: 5 };

/** `opts`: { agents, downSec (> the grace), idleSec (each CPU window), holdSec (after all are back) }. */
export async function measureHubRestart(ctx, opts) {
  const db = `${ctx.work}/restart-hub.db`;
  const token = ctx.createAdmin(db);
  const startHub = async (heartbeatSec, port) => {
    const args = [...ctx.hubArgs(db), '--heartbeat-interval', String(heartbeatSec)];
    if (port !== undefined) args[args.indexOf('--port') + 1] = String(port);
    // The grace stays the stock 30 s whatever the first hub's heartbeat.
    args.push('--host-silent-grace', String(STOCK.graceSec));
    const hub = startCli(ctx.pin(0), ctx.hubBin, args, { env: ctx.hubEnv });
    ctx.children.push(hub.child);
    const url = (await waitForLine(hub, /listening (\S+)/, 30_000))[1];
    return { hub, url, listeningAt: Date.now() };
  };
  const reader = () => new Database(db, { readonly: true, fileMustExist: true });
  const connected = () => {
    const r = reader();
    try {
      return r.prepare('select count(*) as n from hosts where connected = 1').get().n;
    } finally {
      r.close();
    }
  };
  const until = async (probe, what, deadlineMs) => {
    const deadline = Date.now() + deadlineMs;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await sleep(250);
    }
    return Date.now();
  };
  const idleCpuMsPerSec = async (pid) => {
    const before = cpuSecondsOf(pid);
    await sleep(opts.idleSec * 1000);
    return ((cpuSecondsOf(pid) - before) * 1000) / opts.idleSec;
  };

  // Pings every hour first: the idle baseline without heartbeats.
  const first = await startHub(3600);
  const port = new URL(first.url).port;
  const rampSec = Math.max(5, Math.ceil(opts.agents / 200));
  ctx.log(`hub restart: ${opts.agents} idle agents, kill -9, down ${opts.downSec} s…`);
  const { sim, done } = startSim(ctx, {
    url: first.url,
    token,
    agents: opts.agents,
    // Idle sockets: one report an hour.
    intervalMs: 3_600_000,
    durationSec: 3600,
    rampSec,
    name: 'restart',
    extra: ['--sites', String(Math.ceil(opts.agents / 20))],
  });
  // Enrolment comes first (about 2 min for 2 000 agents here), then the ramp.
  await until(() => connected() >= opts.agents, 'every agent connected', rampSec * 1000 + 600_000);
  await sleep(5000);
  const idleNoPingMs = await idleCpuMsPerSec(first.hub.child.pid);

  const killedAt = Date.now();
  first.hub.child.kill('SIGKILL');
  await first.hub.exited;
  await sleep(opts.downSec * 1000);
  const second = await startHub(STOCK.heartbeatSec, port);
  // Not all back in 2 min is a figure too (the false pages below say what it cost), not a failure.
  const allBackAt = await until(() => connected() >= opts.agents, 'every agent back', 120_000).catch(
    () => null,
  );
  const backAtDeadline = connected();
  // Past the grace and a few sweeps: whatever was going to open has opened.
  const holdUntil = second.listeningAt + (STOCK.graceSec + 3 * STOCK.sweepSec + opts.holdSec) * 1000;
  const idle = await (async () => {
    await sleep(Math.max(0, (allBackAt ?? Date.now()) + 10_000 - Date.now()));
    return idleCpuMsPerSec(second.hub.child.pid);
  })();
  await sleep(Math.max(0, holdUntil - Date.now()));

  const r = reader();
  const falsePages = r
    .prepare(
      `select count(*) as n from incidents where "check" in ('host.silent', 'site.silent') and opened_at >= ?`,
    )
    .get(killedAt).n;
  const notices = r.prepare('select count(*) as n from outbox').get().n;
  r.close();
  sim.child.kill('SIGTERM');
  const summary = await done;
  second.hub.child.kill('SIGTERM');
  await second.hub.exited;

  // Welcomes per second from the moment the hub listened again (the first welcomes were the ramp).
  const fromSecond = Math.floor(second.listeningAt / 1000);
  const perSecond = summary.connections.welcomesBySecond.filter(([s]) => s >= fromSecond).map(([, n]) => n);
  return {
    agents: opts.agents,
    settings: { ...STOCK, downSec: opts.downSec },
    allBackAfterListeningMs: allBackAt === null ? null : allBackAt - second.listeningAt,
    backWithin2Min: backAtDeadline,
    peakWelcomesPerSec: Math.max(0, ...perSecond),
    meanWelcomesPerSec: perSecond.length === 0 ? 0 : perSecond.reduce((a, b) => a + b, 0) / perSecond.length,
    welcomesPerSecond: perSecond,
    falsePages,
    noticesQueued: notices,
    hubIdleCpuMsPerSec: { pingsHourly: idleNoPingMs, pings10s: idle },
    heartbeatCpuMsPerSec: idle - idleNoPingMs,
  };
}
