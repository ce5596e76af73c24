import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { pollUntil, type RunningProcess, runCli, startProcess, stopAll } from '../support/processes.js';

// A real hub serving a real, newer build of the agent; a real agent installed from the current
// build into a temporary root; between them a proxy that can tamper with the download or cut the
// WebSocket, standing for a hostile network. The test plays systemd: it restarts the agent when
// it exits with 75 (RestartForceExitStatus=75 in the unit).

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLE = join(repo, 'agent', 'dist-bundle', 'vigie-agent.mjs');
const { version: CURRENT } = JSON.parse(readFileSync(join(repo, 'agent', 'package.json'), 'utf8')) as {
  version: string;
};
const NEWER = bumpPatch(CURRENT);
const RESTART = 75;

interface HostView {
  id: string;
  online: boolean;
  health: unknown;
  agentVersion: string;
}

function bumpPatch(version: string): string {
  const [major, minor, patch] = version.split('-')[0]!.split('.').map(Number);
  return `${major}.${minor}.${(patch ?? 0) + 1}`;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The current bundle, rebuilt in spirit as the next version: only its version string differs. */
function newerBundle(): Buffer {
  const source = readFileSync(BUNDLE, 'utf8');
  const declaration = `var AGENT_VERSION="${CURRENT}";`;
  if (!source.includes(declaration)) throw new Error(`no ${declaration} in ${BUNDLE}`);
  return Buffer.from(source.replace(declaration, `var AGENT_VERSION="${NEWER}";`));
}

/** A man in the middle: forwards HTTP and WebSocket upgrades to the hub, unless told otherwise. */
interface Proxy {
  readonly url: string;
  /** Flip one byte in the middle of every artefact download. */
  tamper: boolean;
  /** Refuse WebSocket upgrades once an artefact was downloaded (the new version cannot reach the hub). */
  cutAfterDownload: boolean;
  blocked: boolean;
  downloads: number;
  close(): Promise<void>;
}

async function startProxy(hubUrl: string): Promise<Proxy> {
  const hub = new URL(hubUrl);
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const upstream = request(
      { host: hub.hostname, port: hub.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const isArtefact = req.url === '/downloads/vigie-agent.mjs' && answer.statusCode === 200;
        if (!isArtefact) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (proxy.tamper) body.writeUInt8(body.readUInt8(body.length >> 1) ^ 0x01, body.length >> 1);
          res.writeHead(answer.statusCode ?? 200, answer.headers);
          res.end(body);
          proxy.downloads += 1;
          if (proxy.cutAfterDownload) proxy.blocked = true;
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    if (proxy.blocked) return void socket.destroy();
    const upstream = connect(Number(hub.port), hub.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    for (const s of [socket, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const proxy: Proxy = {
    url: `http://127.0.0.1:${port}`,
    tamper: false,
    cutAfterDownload: false,
    blocked: false,
    downloads: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

/** The installed agent under a stand-in for systemd: restarted when it exits with 75. */
interface Supervised {
  readonly runs: RunningProcess[];
  readonly exits: (number | string)[];
  output(): string;
  current(): RunningProcess;
}

function supervise(start: () => RunningProcess): Supervised {
  const runs: RunningProcess[] = [];
  const exits: (number | string)[] = [];
  let stopped = false;
  const launch = () => {
    const run = start();
    runs.push(run);
    run.child.once('exit', (code, signal) => {
      exits.push(code ?? signal ?? 'unknown');
      if (code === RESTART && !stopped) launch();
    });
  };
  launch();
  afterStop.push(() => {
    stopped = true;
  });
  return {
    runs,
    exits,
    output: () => runs.map((run) => run.output()).join('\n--- restart ---\n'),
    current: () => runs[runs.length - 1]!,
  };
}

const afterStop: (() => void)[] = [];
let dir: string;
let hub: TestHub;
let proxy: Proxy;
let root: string;
let installed: string;
let stateDir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-update-'));
  const served = join(dir, 'served');
  mkdirSync(served);
  writeFileSync(join(served, 'vigie-agent.mjs'), newerBundle());
  writeFileSync(join(served, 'manifest.json'), JSON.stringify({ version: NEWER }));
  hub = await startHub(dir, {
    args: ['--metrics-interval', '1', '--agent-artefacts', served],
    policy: { autoUpdate: true },
  });
  proxy = await startProxy(hub.url);

  // Install the current build into a temporary root, enrolling through the proxy.
  root = join(dir, 'root');
  const created = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
    method: 'POST',
    body: JSON.stringify({ client: 'acme', site: 'lyon', role: 'workstation', maxUses: 1, ttlHours: 1 }),
  });
  const install = await runCli(
    BUNDLE,
    ['install', '--hub', proxy.url, '--token', created.body.token, '--root', root],
    {
      VIGIE_INSTALL_FAKE_RUNNER: join(dir, 'commands.jsonl'),
    },
  );
  if (install.code !== 0) throw new Error(`install failed: ${install.output}`);
  installed = join(root, 'opt/vigie-agent/vigie-agent.mjs');
  stateDir = join(root, 'var/lib/vigie-agent');
  const credentials = JSON.parse(readFileSync(join(stateDir, 'credentials.json'), 'utf8')) as {
    hubSigningKey?: string;
  };
  const listing = await hub.api<{ signingKey: string }>('/api/v1/agent/artefacts');
  // The key the agent pinned at enrolment is the hub's.
  expect(credentials.hubSigningKey).toBe(listing.body.signingKey);
});

afterEach(async () => {
  for (const stop of afterStop.splice(0)) stop();
  await stopAll();
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the service runs, with the layout's paths under the temporary root and short update timers. */
function runInstalled(probationSec = 60): RunningProcess {
  return startProcess(
    installed,
    ['run', '--config', join(root, 'etc/vigie/agent.json'), '--state-dir', stateDir],
    {
      VIGIE_AGENT_METRICS_INTERVAL: '1',
      VIGIE_AGENT_UPDATE_DELAY: '0',
      VIGIE_AGENT_UPDATE_PROBATION: String(probationSec),
    },
  );
}

/** The host online and reporting as `version`; on failure the agent's output tells why. */
async function hostReporting(version: string, agent: Supervised): Promise<HostView> {
  return pollUntil(
    async () => {
      const { body } = await hub.api<{ hosts: HostView[] }>('/api/v1/hosts');
      return body.hosts.find((h) => h.online && h.health !== null && h.agentVersion === version);
    },
    60_000,
    `the agent reporting as ${version}`,
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}; exits ${JSON.stringify(agent.exits)}; agent output:\n${agent.output().slice(-4000)}`,
    );
  });
}

describe('signed agent updates', () => {
  it('refuses a tampered artefact and keeps running its own version', async () => {
    const original = sha256(readFileSync(installed));
    proxy.tamper = true;
    const agent = supervise(() => runInstalled());
    await agent.current().waitFor(/"code":"UPDATE_CHECKSUM_MISMATCH"/, 60_000);
    await hostReporting(CURRENT, agent);
    expect(proxy.downloads).toBe(1);
    expect(sha256(readFileSync(installed))).toBe(original);
    expect(existsSync(`${installed}.previous`)).toBe(false);
    expect(agent.exits).toEqual([]);
    expect(agent.output()).toMatch(
      /update refused: the downloaded artefact does not match the signed sha256/,
    );
  }, 150_000);

  it('installs a correctly signed newer version, which then reports its version to the hub', async () => {
    const original = readFileSync(installed);
    const agent = supervise(() => runInstalled());
    const host = await hostReporting(NEWER, agent);
    expect(agent.exits).toEqual([RESTART]);
    expect(readFileSync(installed)).toEqual(newerBundle());
    expect(readFileSync(`${installed}.previous`)).toEqual(original);
    await agent.current().waitFor(/agent update confirmed/, 30_000);
    expect(existsSync(join(stateDir, 'update/pending.json'))).toBe(false);
    expect(host.id).toBeTruthy();
    // The new version is what the hub serves: nothing more to fetch.
    expect(proxy.downloads).toBe(1);
  }, 150_000);

  it('rolls back a new version that cannot reach the hub, and does not retry it', async () => {
    const original = readFileSync(installed);
    proxy.cutAfterDownload = true;
    const agent = supervise(() => runInstalled(5));
    await pollUntil(
      async () => (agent.runs.length >= 2 ? true : undefined),
      60_000,
      'the restart into the new version',
    );
    await agent.runs[1]!.waitFor(/"code":"UPDATE_ROLLED_BACK"/, 60_000);
    // The network comes back; the restored version reaches the hub.
    proxy.blocked = false;
    proxy.cutAfterDownload = false;
    await hostReporting(CURRENT, agent);
    expect(agent.exits).toEqual([RESTART, RESTART]);
    expect(readFileSync(installed)).toEqual(original);
    await agent.current().waitFor(/not retrying a version rolled back/, 30_000);
    expect(proxy.downloads).toBe(1);
  }, 180_000);
});
