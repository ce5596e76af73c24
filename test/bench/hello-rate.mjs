#!/usr/bin/env node
// Hellos per second a real hub answers: `node test/bench/hello-rate.mjs [--seconds S] [--agents N]
// [--parallel P]`. N agents are enrolled through the API; P loops then each take an agent, open a
// socket, send its hello, wait for the answer (welcome, or the close for a refused secret), close,
// and start over. Three runs: good secrets, wrong secrets of known agents (the path an attacker
// hammers), and unknown agent ids. Needs the built hub (`npx turbo run build`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { sleep, startCli, waitForLine } from './proc.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    agents: { type: 'string', default: '64' },
    parallel: { type: 'string', default: '8' },
    // Another build of the hub to compare with (its bin/vigie-hub.js).
    hub: { type: 'string' },
  },
});
const HUB = values.hub ?? join(root, 'hub', 'bin', 'vigie-hub.js');
const seconds = Number(values.seconds);
const agentCount = Number(values.agents);
// Under the hub's per-address handshake cap (16), so every socket is served.
const parallel = Math.min(12, Number(values.parallel));

const work = mkdtempSync(join(tmpdir(), 'vigie-hello-bench-'));
const db = join(work, 'hub.db');
const token = execFileSync(
  process.execPath,
  [HUB, 'token', 'create', '--uses', String(agentCount), '--db', db, '--quiet'],
  { encoding: 'utf8' },
).trim();
const server = startCli([], HUB, ['start', '--host', '127.0.0.1', '--port', '0', '--db', db]);
process.on('exit', () => {
  server.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
const base = (await waitForLine(server, /listening (http:\/\/\S+)/, 20_000))[1];
const wsUrl = `${base.replace(/^http/, 'ws')}/api/v1/agent/ws`;

const OS = { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' };
const agents = [];
for (let i = 0; i < agentCount; i += 1) {
  const fingerprint = `bench${String(i).padStart(27, '0')}`;
  const res = await fetch(`${base}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, fingerprint, hostname: `bench-${i}`, os: OS }),
  });
  if (res.status !== 201) throw new Error(`enrol ${i}: ${res.status} ${await res.text()}`);
  agents.push({ ...(await res.json()), fingerprint });
}

function hello(agent, secret) {
  return JSON.stringify({
    type: 'hello',
    protocolVersion: 1,
    bootId: 'boot_bench_0001',
    credential: { agentId: agent.agentId, secret },
    fingerprint: agent.fingerprint,
    agentVersion: '0.1.0-bench',
    hostname: 'bench',
    os: OS,
  });
}

/** One socket, one hello: resolves with 'welcome' or the close code. */
function handshake(frame) {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    let answer;
    ws.on('open', () => ws.send(frame));
    ws.on('message', (data) => {
      answer = JSON.parse(String(data)).type;
      ws.close(1000);
    });
    ws.on('error', () => {});
    ws.on('close', (code) => resolve(answer ?? code));
  });
}

async function run(label, frameFor) {
  const answers = new Map();
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: parallel }, async (_, lane) => {
      // Each lane owns its agents, so no hello supersedes another lane's session.
      for (let i = lane; performance.now() < deadline; i += parallel) {
        const answer = await handshake(frameFor(agents[i % agentCount], i));
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
        done += 1;
      }
    }),
  );
  const rate = done / ((performance.now() - started) / 1000);
  process.stdout.write(
    `${label.padEnd(28)} ${rate.toFixed(0).padStart(6)} hello/s  answers ${JSON.stringify(Object.fromEntries(answers))}\n`,
  );
  await sleep(500);
}

/**
 * The authentication step alone, in this process, on a SQLite file: `authenticateHello` with and
 * without the credential cache, same database, same agents (the socket runs above include the
 * TCP and WebSocket handshakes, which dominate).
 */
async function inProcess() {
  const hubDist = join(root, 'hub', 'dist');
  const { openSqlite, migrateToLatest, createEnrolmentToken, enrolAgent } = await import(
    join(hubDist, 'index.js')
  );
  const { authenticateHello } = await import(join(hubDist, 'ingest', 'authenticate-hello.js'));
  const { createCredentialCache } = await import(join(hubDist, 'identity', 'credential-cache.js'));
  const { pino } = await import('pino');
  const db = openSqlite(join(work, 'in-process.db'));
  await migrateToLatest(db);
  const base = {
    db,
    clock: Date.now,
    random: (n) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))),
    log: pino({ level: 'silent' }),
  };
  const { token } = await createEnrolmentToken(base, {
    client: 'bench',
    site: 'bench',
    maxUses: agentCount,
    ttlMs: 3_600_000,
  });
  const enrolled = [];
  for (let i = 0; i < agentCount; i += 1) {
    const fingerprint = `inproc${String(i).padStart(26, '0')}`;
    const result = await enrolAgent(base, { token, fingerprint, hostname: `inproc-${i}`, os: OS });
    enrolled.push({ ...result.response, fingerprint });
  }
  const cached = { ...base, credentials: createCredentialCache(db, Date.now) };
  for (const [label, secretOf] of [
    ['valid secret', (a) => a.secret],
    ['wrong secret, known agent', () => `vgs_${'x'.repeat(43)}`],
  ]) {
    for (const [mode, deps] of [
      ['no cache', base],
      ['cache', cached],
    ]) {
      const started = performance.now();
      let done = 0;
      while (performance.now() - started < 2000) {
        const agent = enrolled[done % agentCount];
        await authenticateHello(deps, JSON.parse(hello(agent, secretOf(agent))));
        done += 1;
      }
      const rate = done / ((performance.now() - started) / 1000);
      process.stdout.write(
        `in process, ${`${label}, ${mode}`.padEnd(36)} ${rate.toFixed(0).padStart(7)} hello/s\n`,
      );
    }
  }
  await db.destroy();
}

process.stdout.write(`hub ${base}, ${agentCount} agents, ${parallel} in parallel, ${seconds} s per run\n`);
await run('valid secret', (agent) => hello(agent, agent.secret));
await run('wrong secret, known agent', (agent) => hello(agent, `vgs_${'x'.repeat(43)}`));
await run('unknown agent id', (agent, i) => hello({ ...agent, agentId: `agt_unknown${i}` }, agent.secret));
if (!values.hub) await inProcess();
process.exit(0);
