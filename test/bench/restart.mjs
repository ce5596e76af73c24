// A hub restart is not an outage (docs/decisions/0023): simulated agents connected to a hub on
// stock silence timings, the hub killed with kill -9 and started again after longer than the
// grace. Measured: how the agents come back (welcomes per second, time until all are back, from
// the moment the hub listens), the false pages (host.silent and site.silent opened for hosts that
// came back: must be 0; no channel is configured, so each is what would have paged), and what the
// 10 s heartbeat costs: hub CPU over idle sockets pinged every hour (before the kill) and every
// 10 s (after), the difference. A few agents are killed for good just before the hub: their hosts
// must be ticketed (true pages), and once they are revived, the time until the recovery notice
// reaches a real webhook receiver is the recovery-notice latency.
import { createServer } from 'node:http';
import Database from 'better-sqlite3';
import { cpuSecondsOf, sleep, startCli, waitForLine } from './proc.mjs';
import { startSim } from './sim.mjs';

const STOCK = { heartbeatSec: 10, graceSec: 30, sweepSec: 5 };

/** A webhook receiver on loopback: every POST's notice and when it arrived. */
async function startReceiver() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try {
        received.push({ at: Date.now(), notice: JSON.parse(Buffer.concat(chunks).toString('utf8')).notice });
      } catch {
        // Not a notice: not counted.
      }
      res.writeHead(200).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/notices`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * `opts`: { agents, downSec (> the grace), idleSec (each CPU window), holdSec (after all are back),
 * dead (agents killed for good just before the hub) }.
 */
export async function measureHubRestart(ctx, opts) {
  const db = `${ctx.work}/restart-hub.db`;
  const token = ctx.createAdmin(db);
  const receiver = await startReceiver();
  const startHub = async (heartbeatSec, port) => {
    const args = [...ctx.hubArgs(db), '--heartbeat-interval', String(heartbeatSec)];
    if (port !== undefined) args[args.indexOf('--port') + 1] = String(port);
    // The grace stays the stock 30 s whatever the first hub's heartbeat.
    args.push('--host-silent-grace', String(STOCK.graceSec));
    // Stock notification settings; the receiver is on loopback, which webhooks refuse unless allowed.
    const env = { ...ctx.hubEnv, VIGIE_NOTIFY_ALLOW: '127.0.0.1' };
    const hub = startCli(ctx.pin(0), ctx.hubBin, args, { env });
    ctx.children.push(hub.child);
    // A loaded machine may take a while to migrate and listen.
    const url = (await waitForLine(hub, /listening (\S+)/, 120_000))[1];
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
  // Every level, every notice kind: each ticket would reach someone.
  const channel = await fetch(`${first.url}/api/v1/notification-channels`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      kind: 'webhook',
      config: { url: receiver.url },
      levels: ['N1', 'N2', 'N3'],
    }),
  });
  if (channel.status !== 201) throw new Error(`channel: ${channel.status} ${await channel.text()}`);
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
  // On a loaded machine a few agents may still be retrying: 98 % connected is a fleet to restart
  // (the count is reported; one never heard is never judged silent, one heard then lost is counted).
  await until(() => connected() >= opts.agents * 0.98, 'the fleet connected', rampSec * 1000 + 600_000);
  const connectedBeforeKill = connected();
  await sleep(5000);
  const idleNoPingMs = await idleCpuMsPerSec(first.hub.child.pid);

  // These die with the hub and stay dead: the restarted hub must ticket them.
  sim.child.stdin.write(`kill ${opts.dead}\n`);
  await sleep(200);
  const killedAt = Date.now();
  first.hub.child.kill('SIGKILL');
  await first.hub.exited;
  await sleep(opts.downSec * 1000);
  const second = await startHub(STOCK.heartbeatSec, port);
  // Not all back in 2 min is a figure too (the false pages below say what it cost), not a failure.
  const alive = opts.agents - opts.dead;
  const allBackAt = await until(() => connected() >= alive, 'every agent back', 120_000).catch(() => null);
  const backAtDeadline = connected();
  // Past the grace and a few sweeps: whatever was going to open has opened.
  const holdUntil = second.listeningAt + (STOCK.graceSec + 3 * STOCK.sweepSec + opts.holdSec) * 1000;
  // Right after the fleet came back: reconnections, first reports of new sessions, sweeps settling.
  const idleAfterRestart = await (async () => {
    await sleep(Math.max(0, (allBackAt ?? Date.now()) + 10_000 - Date.now()));
    return idleCpuMsPerSec(second.hub.child.pid);
  })();
  await sleep(Math.max(0, holdUntil - Date.now()));
  // The dead must have been ticketed by now (grace, sweeps, and the time the hub was behind).
  // The simulator names the hosts each fault hit (up to 5) on its `fault … kill` line.
  const deadHostIds = (r) => {
    const line = /^fault .*\] kill \d+ → \d+\/\d+ agents \(([^)…]*)\)$/m.exec(sim.output)?.[1] ?? '';
    const names = line.split(', ').filter(Boolean);
    const byName = r.prepare('select id from hosts where hostname = ?');
    return names.flatMap((name) => byName.all(name).map((row) => row.id));
  };
  const silenceOf = (r, hostId) =>
    r
      .prepare(`select id from incidents where "check" = 'host.silent' and host_id = ? and opened_at >= ?`)
      .get(hostId, killedAt);
  // At the latest the hub's re-admission hold ends (5 min after it listens), then the grace runs.
  const deadDeadline = second.listeningAt + (300 + STOCK.graceSec + 3 * STOCK.sweepSec + 30) * 1000;
  let deadIds = [];
  for (;;) {
    const r = reader();
    deadIds = deadHostIds(r);
    const ticketed = deadIds.filter((id) => silenceOf(r, id) !== undefined).length;
    r.close();
    if (ticketed >= deadIds.length || Date.now() > deadDeadline) break;
    await sleep(1000);
  }
  if (deadIds.length !== opts.dead) throw new Error(`killed ${deadIds.length} agents, not ${opts.dead}`);
  // Revive them: host heard again → silence recovered → recovery notice at the receiver.
  const revivedAt = Date.now();
  sim.child.stdin.write(`revive ${opts.dead}\n`);
  const recoveries = async () => {
    const r = reader();
    const ids = new Set(deadIds.map((id) => silenceOf(r, id)?.id).filter(Boolean));
    r.close();
    return receiver.received.filter((x) => x.notice?.kind === 'recovered' && ids.has(x.notice.incidentId));
  };
  const recoveryDeadline = Date.now() + 60_000;
  while ((await recoveries()).length < deadIds.length && Date.now() < recoveryDeadline) await sleep(250);
  const recovered = await recoveries();
  // The heartbeat's own cost: the same fleet, the hub settled (every agent back, the dead ticketed
  // and revived), pinging every 10 s, against the first hub's idle with pings every hour.
  const idle = await idleCpuMsPerSec(second.hub.child.pid);

  const r = reader();
  const dead = new Set(deadIds);
  const opened = r
    .prepare(
      `select id, "check", host_id from incidents where "check" in ('host.silent', 'site.silent') and opened_at >= ?`,
    )
    .all(killedAt);
  const childrenOf = r.prepare('select host_id from incidents where parent_id = ?');
  // A site ticket is true only when every host under it is one of the dead.
  const isTrue = (row) =>
    row.check === 'host.silent'
      ? dead.has(row.host_id)
      : childrenOf.all(row.id).every((child) => dead.has(child.host_id));
  const falsePages = opened.filter((row) => !isTrue(row)).length;
  const truePages = opened.filter((row) => row.check === 'host.silent' && isTrue(row)).length;
  const notices = r.prepare('select count(*) as n from outbox').get().n;
  r.close();
  sim.child.kill('SIGTERM');
  const summary = await done;
  await receiver.close();
  second.hub.child.kill('SIGTERM');
  await second.hub.exited;

  const latencies = recovered.map((x) => x.at - revivedAt).sort((a, b) => a - b);
  const heardToNotice = recovered
    .map((x) => x.at - Number(x.notice.recoveredAt ?? x.at))
    .sort((a, b) => a - b);
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
    connectedBeforeKill,
    dead: deadIds.length,
    deadTicketed: truePages,
    noticesQueued: notices,
    recoveryNotice: {
      received: recovered.length,
      // Revive (a new boot connects) → the webhook receives the recovery notice.
      reviveToNoticeMs: {
        p50: latencies[Math.floor(latencies.length / 2)] ?? null,
        max: latencies.at(-1) ?? null,
      },
      // The hub marks the silence recovered (host heard) → the webhook receives the notice.
      heardToNoticeMs: {
        p50: heardToNotice[Math.floor(heardToNotice.length / 2)] ?? null,
        max: heardToNotice.at(-1) ?? null,
      },
    },
    hubIdleCpuMsPerSec: { pingsHourly: idleNoPingMs, pings10s: idle, pings10sAfterRestart: idleAfterRestart },
    heartbeatCpuMsPerSec: idle - idleNoPingMs,
  };
}
