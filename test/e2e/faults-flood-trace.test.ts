import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnrolResponse } from '@vigie/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrolAgentState, runAgent } from '../support/agent-process.js';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { pollUntil, startProcess, stopAll } from '../support/processes.js';

// A real hub with its default limits, one well-behaved agent and one flooder with a valid
// credential that reconnects at once after every 4032. The flooder's closes must leave a trace
// for technicians: audit rows, and one security incident for its host (not one per close); the
// agent that behaves gets neither.

const FLOODER = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'flooder.mjs');
const FLOOD_SEC = 6;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-flood-trace-'));
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

async function enrolFlooder(hub: TestHub, fingerprint: string): Promise<EnrolResponse> {
  const created = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
    method: 'POST',
    body: JSON.stringify({ client: 'flood', site: 'lab', maxUses: 1, ttlHours: 1 }),
  });
  const res = await fetch(`${hub.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: created.body.token,
      fingerprint,
      hostname: 'flooder-trace',
      os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' },
    }),
  });
  if (res.status !== 201) throw new Error(`enrol: ${res.status} ${await res.text()}`);
  return (await res.json()) as EnrolResponse;
}

describe('a flooding agent leaves a trace', () => {
  it('opens one security.agent-misbehaving incident for the flooder host, none for the agent that behaves', async () => {
    const hub = await startHub(dir);
    const stateDir = join(dir, 'agent-good');
    const good = await enrolAgentState(hub, stateDir, 'e2e-good');
    runAgent(stateDir, hub.url);
    const fingerprint = 'a1a2a3a4a5a6a7a8a9a0d1d2d3d4d5d6';
    const flooder = await enrolFlooder(hub, fingerprint);
    const run = startProcess(FLOODER, [
      '--hub',
      hub.url,
      '--agent',
      flooder.agentId,
      '--secret',
      flooder.secret,
      '--fingerprint',
      fingerprint,
      '--seconds',
      String(FLOOD_SEC),
    ]);
    await run.exited(FLOOD_SEC * 1000 + 30_000);
    const summary = JSON.parse(run.output().trim().split('\n').at(-1) as string) as {
      closes: Record<string, number>;
    };
    expect(summary.closes[4032] ?? 0).toBeGreaterThanOrEqual(3);

    const db = new Database(join(dir, 'hub.db'), { readonly: true });
    try {
      const incidentsOf = (hostId: string) =>
        db
          .prepare(
            'select occurrences, level from incidents where host_id = ? and "check" = \'security.agent-misbehaving\'',
          )
          .all(hostId) as Array<{ occurrences: number; level: string }>;
      // The last closes are audited after the socket closed: wait for them to be committed.
      const incidents = await pollUntil(
        async () => {
          const rows = incidentsOf(flooder.hostId);
          return rows.length > 0 ? rows : undefined;
        },
        15_000,
        'the flooder host security incident',
      );
      expect(incidents).toHaveLength(1);
      expect(incidents[0]?.level).toBe('N3');
      const audit = db
        .prepare("select kind, details from security_audit where subject = ? and kind = 'agent.rate-limited'")
        .all(flooder.hostId) as Array<{ kind: string; details: string }>;
      expect(audit.length).toBeGreaterThan(0);
      // No log flood: one row a minute, counting the closes.
      expect(audit.length).toBeLessThanOrEqual(2);
      const audited = audit.reduce(
        (sum, row) => sum + (JSON.parse(row.details) as { closes: number }).closes,
        0,
      );
      expect(audited).toBeGreaterThanOrEqual(3);
      // The agent that behaves did report meanwhile, and was not taken for a flooder.
      await pollUntil(
        async () =>
          (
            db.prepare('select count(*) as n from samples where host_id = ?').get(good.hostId) as {
              n: number;
            }
          ).n > 0
            ? true
            : undefined,
        15_000,
        'the well-behaved agent reporting',
      );
      expect(incidentsOf(good.hostId)).toEqual([]);
      expect(
        db.prepare('select count(*) as n from security_audit where subject = ?').get(good.hostId),
      ).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 120_000);
});
