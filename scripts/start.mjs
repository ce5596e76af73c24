#!/usr/bin/env node
// `npm start`: the hub on an embedded SQLite file and an agent for this machine reporting into it.
// Everything lives in ./var (database, admin token, agent state, logs); a second run reuses it.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubNodeOptions } from '@vigie/hub/young-generation';
// Built by `npm start` before this script runs (turbo run build).
import { SERVICE_MALLOC_ENV } from '../agent/dist/install/install-plan.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const varDir = join(root, 'var');
const db = join(varDir, 'vigie-hub.db');
const adminTokenFile = join(varDir, 'admin-token');
const adminPasswordFile = join(varDir, 'admin-password');
const agentState = join(varDir, 'agent');
const hubBin = join(root, 'hub', 'bin', 'vigie-hub.js');
const agentBin = join(root, 'agent', 'bin', 'vigie-agent.js');
const port = process.env.VIGIE_HUB_PORT ?? '8420';
const AGENT_FATAL_EXIT = 78; // vigie-agent: the hub refused the credential (EX_CONFIG)

mkdirSync(varDir, { recursive: true, mode: 0o700 });
const children = new Set();

function say(line = '') {
  process.stdout.write(`${line}\n`);
}

function fail(message) {
  process.stderr.write(`npm start: ${message}\n`);
  stopAll();
  process.exit(1);
}

function runCli(bin, args, input) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input });
  return { ok: result.status === 0, out: result.stdout.trim(), err: result.stderr.trim() };
}

function tail(file, lines = 15) {
  return existsSync(file)
    ? readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n')
    : '(no log)';
}

function launch(name, bin, args, env = {}) {
  const logFile = join(varDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return { child, logFile };
}

function stopAll() {
  for (const child of children) child.kill('SIGTERM');
}

function writeSecret(file, value) {
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

// The web console's admin password: made here, kept in var/ beside the token, printed at start.
const consolePassword = existsSync(adminPasswordFile)
  ? readFileSync(adminPasswordFile, 'utf8').trim()
  : randomBytes(12).toString('base64url');

let adminName = 'admin';

function adminToken() {
  if (existsSync(adminTokenFile)) return readFileSync(adminTokenFile, 'utf8').trim();
  // The token file was deleted but the user may still exist: make a fresh admin then.
  for (const name of ['admin', `admin-${Date.now()}`]) {
    const args = ['user', 'create', name, '--role', 'admin', '--password-stdin', '--db', db, '--quiet'];
    const created = runCli(hubBin, args, consolePassword);
    if (created.ok) {
      adminName = name;
      writeSecret(adminTokenFile, created.out);
      writeSecret(adminPasswordFile, consolePassword);
      return created.out;
    }
  }
  fail('could not create an admin user');
}

function consoleLogin() {
  // A var/ from before the console: give 'admin' a console password once.
  if (!existsSync(adminPasswordFile)) {
    const set = runCli(
      hubBin,
      ['user', 'set-password', adminName, '--password-stdin', '--db', db],
      consolePassword,
    );
    if (!set.ok) return undefined;
    writeSecret(adminPasswordFile, consolePassword);
  }
  return { user: adminName, password: consolePassword };
}

async function startHub() {
  // As the documented unit runs it: the hub's young generation in NODE_OPTIONS, one process.
  const hub = launch('hub', hubBin, ['start', '--db', db, '--port', port, '--log-level', 'info'], {
    NODE_OPTIONS: hubNodeOptions(),
  });
  const url = await new Promise((resolve) => {
    let seen = '';
    hub.child.stderr.on('data', (chunk) => {
      seen += chunk;
      const match = /listening (\S+)/.exec(seen);
      if (match) resolve(match[1]);
    });
    hub.child.once('exit', () => resolve(undefined));
  });
  if (!url)
    fail(
      `the hub did not start (is port ${port} taken? set VIGIE_HUB_PORT). Last log lines:\n${tail(hub.logFile)}`,
    );
  return { ...hub, url };
}

function enrolAgent(url) {
  const token = runCli(hubBin, [
    'token',
    'create',
    '--uses',
    '1',
    '--ttl',
    '1',
    '--note',
    'npm start',
    '--db',
    db,
    '--quiet',
  ]);
  if (!token.ok) fail(`could not create an enrolment token: ${token.err}`);
  const enrolled = runCli(agentBin, [
    'enroll',
    '--hub',
    url,
    '--token',
    token.out,
    '--state-dir',
    agentState,
    '--force',
  ]);
  if (!enrolled.ok) fail(`the agent could not enrol: ${enrolled.err || enrolled.out}`);
}

function startAgent() {
  // The malloc settings an installed Linux service starts with (glibc reads them at start only).
  return launch('agent', agentBin, ['run', '--state-dir', agentState], SERVICE_MALLOC_ENV);
}

async function waitForHost(url, token) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/v1/hosts`, { headers: { authorization: `Bearer ${token}` } }).catch(
      () => undefined,
    );
    if (res?.ok) {
      const { hosts } = await res.json();
      const reporting = hosts.find((host) => host.health !== null && host.online);
      if (reporting) return reporting;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}

const token = adminToken();
const login = consoleLogin();
const hub = await startHub();
if (!existsSync(join(agentState, 'credentials.json'))) enrolAgent(hub.url);
let agent = startAgent();
agent.child.once('exit', (code) => {
  if (code !== AGENT_FATAL_EXIT) return;
  // The hub no longer knows this agent (its database was reset): enrol again, once.
  rmSync(join(agentState, 'credentials.json'), { force: true });
  enrolAgent(hub.url);
  agent = startAgent();
});

process.on('SIGINT', () => stopAll());
process.on('SIGTERM', () => stopAll());
hub.child.once('exit', (code) => {
  if (code !== 0 && code !== null)
    process.stderr.write(`the hub stopped (exit ${code}). Last log lines:\n${tail(hub.logFile)}\n`);
  stopAll();
  process.exitCode = code ?? 0;
});

const host = await waitForHost(hub.url, token);
say('');
say(`Vigie hub     ${hub.url}   (health: ${hub.url}/healthz)`);
say(`Web console   ${hub.url}/console`);
if (login) say(`  sign in as  ${login.user} / ${login.password}   (also in var/admin-password)`);
say(`Admin token   ${token}   (also in var/admin-token)`);
say(`Try           curl -H "Authorization: Bearer ${token}" ${hub.url}/api/v1/hosts`);
if (host) {
  const h = host.health;
  const pct = (v) => (v === null ? '–' : `${v.toFixed(1)} %`);
  say(
    `This machine  ${host.hostname} (${host.os.distro} ${host.os.release}) reporting: CPU ${pct(h.cpuPct)}, memory ${pct(h.memPct)}, fullest filesystem ${pct(h.diskMaxPct)}`,
  );
} else {
  say(`The agent has not reported yet; see var/agent.log:\n${tail(agent.logFile)}`);
}
say('Logs          var/hub.log, var/agent.log       Stop with Ctrl-C');
