import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES, type EnrolRequest } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialStore } from '../credentials/credential-store.js';
import { SILENT_LOG } from '../logger.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { type ScriptedHub, startScriptedHub, waitFor } from '../test-support/scripted-hub.js';
import { AGENT_VERSION } from '../version.js';
import { cli } from './cli.js';
import type { CliContext, CliWiring } from './context.js';

const NO_TIMERS: Scheduler = { every: () => () => {}, cron: () => () => {}, validCron: () => true };

const WIRING: CliWiring = {
  sampler: () => ({ collect: async () => ({ at: 1_764_000_000_000 }) }),
  inventory: () => ({
    collect: async () => 'snapshot',
    hash: () => 'hash-0123456',
    toChunks: (_snapshot, hash) => [
      { type: 'inventory', at: 1, hash, chunk: 0, chunks: 1, os: { name: 'Debian' } },
    ],
  }),
  fingerprint: async () => ({ ok: true, fingerprint: 'f'.repeat(64), sources: ['machine-id'] }),
  hostInfo: async () => ({
    hostname: 'pc-test-01',
    os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
  }),
  scheduler: NO_TIMERS,
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
const cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-cli-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await rm(dir, { recursive: true, force: true });
});

function context(options: { env?: Record<string, string>; signal?: { stop?: () => void } } = {}) {
  const out = { stdout: '', stderr: '' };
  const ctx: CliContext = {
    io: {
      stdout: (text) => {
        out.stdout += text;
      },
      stderr: (text) => {
        out.stderr += text;
      },
      env: options.env ?? {},
      isRoot: false,
      homeDir: dir,
      readConfigFile: async (path) => readFile(path, 'utf8').catch(() => undefined),
      clock: Date.now,
      random: () => 0.5,
      onStopSignal: (handler) => {
        if (options.signal) options.signal.stop = handler;
        return () => {};
      },
      logger: () => SILENT_LOG,
    },
    wiring: WIRING,
  };
  return { ctx, out };
}

async function run(argv: string[], options: Parameters<typeof context>[0] = {}): Promise<Run> {
  const { ctx, out } = context(options);
  const code = await cli(argv, ctx);
  return { code, ...out };
}

async function enrolmentHub(): Promise<{ url: string; requests: EnrolRequest[] }> {
  const requests: EnrolRequest[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const parsed = JSON.parse(body) as EnrolRequest;
      requests.push(parsed);
      if (parsed.token === 'expired-token-0123456789') {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            error: { code: 'ENROLMENT_REFUSED', message: 'The enrolment token was refused' },
          }),
        );
        return;
      }
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ agentId: 'agt_0123456789', secret: 's'.repeat(43), hostId: 'host_7' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const TOKEN = 'vet_0123456789abcdef';

describe('vigie-agent', () => {
  describe('help and version', () => {
    it('prints the usage with commands, environment and exit codes', async () => {
      const result = await run(['--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/vigie-agent enroll --hub URL --token TOKEN/);
      expect(result.stdout).toMatch(/VIGIE_STATE_DIR/);
      expect(result.stdout).toMatch(/78 {2}configuration error/);
    });

    it('prints help for one command, by name or alias, and with --help', async () => {
      expect((await run(['help', 'enrol'])).stdout).toMatch(/^Usage: vigie-agent enroll/);
      expect((await run(['run', '--help'])).stdout).toMatch(/^Usage: vigie-agent run/);
    });

    it('prints the version', async () => {
      expect(await run(['--version'])).toEqual({ code: 0, stdout: `${AGENT_VERSION}\n`, stderr: '' });
    });
  });

  describe('usage errors exit with 2', () => {
    it.each([
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['run', '--metric-interval', '1'], /run: option inconnue --metric-interval/],
      [['status', 'extra'], /status: .*positional/],
      [[], /Usage:/],
      [['run', '--metrics-interval', 'fast'], /--metrics-interval : « fast »/],
      [['enroll', '--token', TOKEN], /missing --hub/],
    ])('%j', async (argv, message) => {
      const result = await run(argv);
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(message);
    });
  });

  describe('enroll', () => {
    it('saves the credential (0600) and refuses to enrol twice without --force', async () => {
      const hub = await enrolmentHub();
      const stateDir = join(dir, 'state');
      const first = await run([
        'enroll',
        '--hub',
        hub.url,
        '--token',
        TOKEN,
        '--role',
        'server',
        '--state-dir',
        stateDir,
      ]);
      expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('agt_0123456789') });
      expect(hub.requests[0]).toMatchObject({
        token: TOKEN,
        fingerprint: 'f'.repeat(64),
        hostname: 'pc-test-01',
        role: 'server',
      });
      const saved = JSON.parse(await readFile(join(stateDir, 'credentials.json'), 'utf8'));
      expect(saved).toMatchObject({ hubUrl: hub.url, agentId: 'agt_0123456789', hostId: 'host_7' });
      expect((await stat(join(stateDir, 'credentials.json'))).mode & 0o777).toBe(0o600);

      const again = await run(['enrol', '--hub', hub.url, '--token', TOKEN, '--state-dir', stateDir]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already enrolled .* use --force/);
      const forced = await run([
        'enrol',
        '--hub',
        hub.url,
        '--token',
        TOKEN,
        '--state-dir',
        stateDir,
        '--force',
      ]);
      expect(forced.code).toBe(0);
    });

    it('takes the token from the environment', async () => {
      const hub = await enrolmentHub();
      const result = await run(['enroll', '--hub', hub.url, '--state-dir', dir], {
        env: { VIGIE_ENROLMENT_TOKEN: TOKEN },
      });
      expect(result.code).toBe(0);
      expect(hub.requests[0]?.token).toBe(TOKEN);
    });

    it("reports the hub's refusal and exits with 1", async () => {
      const hub = await enrolmentHub();
      const result = await run([
        'enroll',
        '--hub',
        hub.url,
        '--token',
        'expired-token-0123456789',
        '--state-dir',
        dir,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/ENROLMENT_REFUSED: The enrolment token was refused/);
    });
  });

  describe('run', () => {
    async function enrolledWith(hub: ScriptedHub): Promise<string> {
      const stateDir = join(dir, 'state');
      const credentials = {
        hubUrl: hub.httpUrl,
        agentId: 'agt_0123456789',
        secret: 's'.repeat(32),
        hostId: 'host_7',
        enrolledAt: '2025-11-24T10:00:00.000Z',
      };
      await createCredentialStore(stateDir).writeCredentials(credentials);
      return stateDir;
    }

    it('exits with 78 when not enrolled', async () => {
      const result = await run(['run', '--state-dir', dir]);
      expect(result.code).toBe(78);
      expect(result.stderr).toMatch(/not enrolled/);
    });

    it('exits with 78 and names the close code when the hub refuses the credential', async () => {
      const hub = await startScriptedHub({ onHello: () => ({ close: CLOSE_CODES.AUTH_FAILED.code }) });
      cleanups.push(() => hub.close());
      const result = await run(['run', '--state-dir', await enrolledWith(hub)]);
      expect(result.code).toBe(78);
      expect(result.stderr).toMatch(/AUTH_FAILED \(4010\)/);
    });

    it('reports until a stop signal, then exits 0; status shows the last contact', async () => {
      const hub = await startScriptedHub();
      cleanups.push(() => hub.close());
      const stateDir = await enrolledWith(hub);
      const signal: { stop?: () => void } = {};
      const { ctx } = context({ signal });
      const running = cli(['run', '--state-dir', stateDir], ctx);
      await waitFor(() => hub.received.some((message) => message.type === 'inventory'), 'the inventory');
      signal.stop?.();
      expect(await running).toBe(0);
      expect(hub.closeCodes).toEqual([1000]);

      const status = await run(['status', '--state-dir', stateDir, '--json']);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        enrolled: true,
        hubUrl: hub.httpUrl,
        agentId: 'agt_0123456789',
        policyRevision: 0,
        lastConnectedAt: expect.any(String),
      });
    });
  });

  describe('status', () => {
    it('says when the agent is not enrolled, and exits 1', async () => {
      const result = await run(['status', '--state-dir', dir]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/enrolled: +no/);
    });

    it('exits with 78 on a corrupt credential file', async () => {
      await writeFile(join(dir, 'credentials.json'), '{');
      const result = await run(['status', '--state-dir', dir]);
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(join(dir, 'credentials.json'));
    });
  });
});
