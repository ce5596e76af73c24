import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_BIN, HUB_BIN, pollUntil, runCli, startProcess, stopAll } from '../support/processes.js';

interface SoftwareHit {
  hostId: string;
  hostname: string;
  name: string;
  version: string;
  source: string;
}

// dpkg-query's own `${Field}` syntax, built so it is not mistaken for a template placeholder.
const dpkgField = (field: string) => `\${${field}}`;

let dir: string;
let hubUrl: string;
let adminToken: string;

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${hubUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-inventory-'));
  const db = join(dir, 'hub.db');
  const user = await runCli(HUB_BIN, ['user', 'create', 'admin', '--role', 'admin', '--db', db, '--quiet']);
  expect(user.code, user.output).toBe(0);
  adminToken = user.output.trim();
  const hub = startProcess(HUB_BIN, ['start', '--host', '127.0.0.1', '--port', '0', '--db', db]);
  hubUrl = (await hub.waitFor(/listening (http:\/\/\S+)/))[1] ?? '';
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

// Debian is this project's development and CI machine; the dpkg database is what is compared.
describe.runIf(existsSync('/var/lib/dpkg/status'))(
  'this machine’s software through a real agent and hub',
  () => {
    it('shows bash at the version dpkg knows in the fleet search, with the full package list', async () => {
      const stateDir = join(dir, 'agent');
      const created = await api<{ token: string }>('/api/v1/enrolment-tokens', {
        method: 'POST',
        body: JSON.stringify({ client: 'e2e', site: 'lab', maxUses: 1, ttlHours: 1 }),
      });
      const enrolled = await runCli(AGENT_BIN, [
        'enroll',
        '--hub',
        hubUrl,
        '--token',
        created.body.token,
        '--state-dir',
        stateDir,
      ]);
      expect(enrolled.code, enrolled.output).toBe(0);
      startProcess(AGENT_BIN, ['run', '--state-dir', stateDir]);

      const hits = await pollUntil(
        async () => {
          const { body } = await api<{ software: SoftwareHit[] }>('/api/v1/inventory/software?name=bash');
          return body.software.length > 0 ? body.software : undefined;
        },
        50_000,
        'bash in the fleet software search',
      );
      const bashVersion = execFileSync('dpkg-query', ['-W', '-f', dpkgField('Version'), 'bash'], {
        encoding: 'utf8',
      });
      expect(hits).toMatchObject([{ name: 'bash', version: bashVersion, source: 'dpkg' }]);

      const installed = execFileSync('dpkg-query', ['-W', '-f', `${dpkgField('db:Status-Status')}\n`], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter((status) => status === 'installed').length;
      const { body } = await api<{
        inventory: { software: SoftwareHit[]; updates?: Record<string, unknown> };
      }>(`/api/v1/hosts/${hits[0]?.hostId}/inventory`);
      expect(body.inventory.software.filter((s) => s.source === 'dpkg')).toHaveLength(installed);
      // Every package at the version dpkg knows, as the API serves it.
      const known = execFileSync(
        'dpkg-query',
        ['-W', '-f', `${['db:Status-Status', 'Package', 'Version'].map(dpkgField).join('\t')}\n`],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter((line) => line.startsWith('installed\t'))
        .map((line) => line.slice('installed\t'.length))
        .sort();
      expect(
        body.inventory.software
          .filter((s) => s.source === 'dpkg')
          .map((s) => `${s.name}\t${s.version}`)
          .sort(),
      ).toEqual(known);
      expect(body.inventory.updates).toMatchObject({ manager: 'apt', rebootRequired: expect.any(Boolean) });

      // The same inventory as GLPI reads it.
      const glpi = await api<{
        action: string;
        itemtype: string;
        content: { softwares: { name: string; version?: string; from?: string }[]; operatingsystem: object };
      }>(`/api/v1/hosts/${hits[0]?.hostId}/inventory.glpi.json`);
      expect(glpi.status).toBe(200);
      expect(glpi.body).toMatchObject({ action: 'inventory', itemtype: 'Computer' });
      expect(glpi.body.content.softwares.filter((s) => s.from === 'dpkg')).toHaveLength(installed);
      expect(glpi.body.content.softwares).toContainEqual(
        expect.objectContaining({ name: 'bash', version: bashVersion }),
      );

      const csv = await fetch(`${hubUrl}/api/v1/inventory/software.csv?name=bash`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(await csv.text()).toContain(`,bash,${bashVersion},`);
    });
  },
);
