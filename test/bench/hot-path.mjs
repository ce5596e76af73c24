#!/usr/bin/env node
// The hub's ingest hot path in one process, without sockets: decode a `metrics` frame as a session
// does, commit it through the database's metrics store (group commit on SQLite), encode its ack.
// CPU time (process.cpuUsage) per report, over rounds where every host sends one report at once
// (a 10 s interval compressed), with simulator-shaped samples (test/sim). Where the build knows
// static fields on change (decision 0031), a second pass sends lean frames as an agent would.
// Usage: node test/bench/hot-path.mjs [--hosts 2000] [--rounds 10] [--profile DIR]
// (build hub and test/sim first; --profile writes a .cpuprofile of the measured rounds of each pass)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: { hosts: { type: 'string' }, rounds: { type: 'string' }, profile: { type: 'string' } },
});
const HOSTS = Number(values.hosts ?? 2000);
const ROUNDS = Number(values.rounds ?? 10);

const shared = await import(join(root, 'shared', 'dist', 'index.js'));
const { openSqlite, migrateToLatest } = await import(join(root, 'hub', 'dist', 'db', 'connect.js'));
const { createEnrolmentToken } = await import(
  join(root, 'hub', 'dist', 'enrolment', 'create-enrolment-token.js')
);
const { enrolAgent } = await import(join(root, 'hub', 'dist', 'enrolment', 'enrol-agent.js'));
const { commitDataMessage } = await import(join(root, 'hub', 'dist', 'ingest', 'commit-data-message.js'));
const { createSampleGenerator } = await import(join(root, 'test', 'sim', 'dist', 'sample-generator.js'));
const { planFleet } = await import(join(root, 'test', 'sim', 'dist', 'fleet-plan.js'));
const { createRandom } = await import(join(root, 'test', 'sim', 'dist', 'random.js'));

const work = mkdtempSync(join(tmpdir(), 'vigie-hot-path-'));
const db = openSqlite(join(work, 'hub.db'));
const migrated = await migrateToLatest(db);
if (migrated.error) throw migrated.error;
let now = Date.now();
const clock = () => now;

const { cryptoRandom } = await import(join(root, 'hub', 'dist', 'security', 'secrets.js'));
const deps = { db, clock, random: cryptoRandom, incidents: undefined };
const { token } = await createEnrolmentToken(deps, {
  client: 'acme',
  site: 'paris',
  maxUses: HOSTS,
  ttlMs: 3_600_000,
});
const plans = planFleet('acme', HOSTS, 10);
const rand = createRandom(42);
const hosts = [];
for (let i = 0; i < HOSTS; i += 1) {
  const plan = plans[i];
  const enrolled = await enrolAgent(deps, {
    token,
    fingerprint: `fp${String(i).padStart(30, '0')}`,
    hostname: plan.hostname,
    os: plan.os,
  });
  if (!enrolled.ok) throw new Error(`enrol ${i}: ${enrolled.code ?? JSON.stringify(enrolled)}`);
  hosts.push({
    sender: { agentId: enrolled.response.agentId, hostId: enrolled.response.hostId },
    generator: createSampleGenerator(plan, rand, now - 86_400_000),
    bootId: `boot_hot_${String(i).padStart(6, '0')}`,
  });
}

/** One round: every host's frame decoded, committed and acknowledged; returns the frames' bytes. */
async function round(seq, encode) {
  now += 10_000;
  let bytes = 0;
  const commits = hosts.map((host) => {
    const message = { type: 'metrics', bootId: host.bootId, seq, samples: [host.generator.next(now)] };
    const frame = encode(host, message);
    bytes += Buffer.byteLength(frame);
    const decoded = shared.decodeAgentMessage(frame, host.carry);
    if (!decoded.ok) throw new Error(`decode: ${decoded.error.detail}`);
    return commitDataMessage(deps, host.sender, decoded.value, decoded.refusedSamples).then((outcome) => {
      if (outcome.status !== 'stored' || outcome.refused)
        throw new Error(`not stored: ${JSON.stringify(outcome)}`);
      shared.encodeMessage({ type: 'ack', bootId: host.bootId, seq: outcome.committedSeq });
    });
  });
  await Promise.all(commits);
  return bytes;
}

async function pass(name, seq0, encode) {
  await round(seq0, encode); // warm-up (and the lean pass's first, full frames)
  const session = values.profile ? new Session() : undefined;
  if (session) {
    mkdirSync(values.profile, { recursive: true });
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const c0 = process.cpuUsage();
  let bytes = 0;
  for (let r = 1; r <= ROUNDS; r += 1) bytes += await round(seq0 + r, encode);
  const cpu = process.cpuUsage(c0);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(values.profile, `${name.replace(/\W+/g, '-')}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
  const reports = HOSTS * ROUNDS;
  return {
    pass: name,
    reports,
    cpuMsPerReport: +((cpu.user + cpu.system) / 1000 / reports).toFixed(4),
    meanFrameBytes: Math.round(bytes / reports),
  };
}

const full = (_host, message) => JSON.stringify(message);
const results = [await pass('full frames', 1, full)];
if (shared.createStaticStripper) {
  for (const host of hosts) {
    host.carry = shared.createStaticCarry();
    host.stripper = shared.createStaticStripper();
  }
  const lean = (host, message) =>
    JSON.stringify({ ...message, samples: message.samples.map((s) => host.stripper.strip(s)) });
  results.push(await pass('static fields on change', ROUNDS + 2, lean));
}
await db.destroy();
rmSync(work, { recursive: true, force: true });
const out = { hosts: HOSTS, rounds: ROUNDS, load: loadavg().map((l) => +l.toFixed(2)), results };
process.stdout.write(`${JSON.stringify(out)}\n`);
