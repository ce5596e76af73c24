import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSpool, SILENT_LOG } from '@vigie/agent';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measure, startAgent, startHub } from '../support/hub-fixture.js';
import { HUB_BIN, type RunningProcess, startProcess, stopAll } from '../support/processes.js';

// Real processes: a hub killed with SIGKILL while a real agent streams a sample a second, then
// restarted on the same database and port. Whatever the agent sent must end up stored once: no
// seq hole, no duplicate, nothing left unacknowledged in the agent's spool, and an intact database.

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-hubkill-'));
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Poll `condition` every 100 ms until it holds, or fail naming `what` at the deadline. */
async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILL by pid and wait for the exit, so the restart finds the port and the database free. */
async function killHard(process: RunningProcess): Promise<void> {
  const pid = process.child.pid;
  if (pid === undefined) throw new Error('no pid');
  globalThis.process.kill(pid, 'SIGKILL');
  expect(await process.exited(10_000)).toBe('SIGKILL');
}

describe('hub kill -9 mid-stream', () => {
  it('after a restart on the same database, everything the agent sent is stored exactly once', async () => {
    const dbPath = join(dir, 'hub.db');
    const stateDir = join(dir, 'agent');
    const hub = await startHub(dir, { args: ['--heartbeat-interval', '1'] });
    const port = new URL(hub.url).port;
    const agent = await startAgent(hub, stateDir);
    const samples = async () => {
      const { body } = await hub.api<{ points: unknown[] }>(
        `/api/v1/hosts/${agent.hostId}/metrics?from=0&limit=100000`,
      );
      return body.points?.length ?? 0;
    };
    await until(async () => (await samples()) >= 3, 'a few samples before the kill');

    await killHard(hub.process);
    const killedAt = Date.now();
    // The agent keeps collecting into its spool while the hub is gone.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const restarted = startProcess(HUB_BIN, [
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      port,
      '--db',
      dbPath,
      '--heartbeat-interval',
      '1',
    ]);
    await restarted.waitFor(/listening/);
    const before = await samples();
    await until(async () => (await samples()) >= before + 3, 'samples after the restart');
    measure('hub kill -9: kill to agent data flowing again', Date.now() - killedAt);

    // Graceful agent stop: what it still holds unacknowledged stays in its spool, to be read below.
    await agent.process.stop();
    await restarted.stop();

    const spool = openSpool({
      dir: join(stateDir, 'spool'),
      bootId: 'boot_reader_0001',
      log: SILENT_LOG,
      clock: Date.now,
    });
    if (!spool.ok) throw new Error(spool.message);
    const leftover = spool.spool.recovered;
    spool.spool.close();

    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const holes = db.prepare("select count(*) as n from delivery_events where kind = 'seq_gap'").get() as {
        n: number;
      };
      const lost = db.prepare('select coalesce(sum(count), 0) as n from metric_gaps').get() as { n: number };
      const rows = db
        .prepare('select count(*) as n, count(distinct at) as distinctAt from samples')
        .get() as {
        n: number;
        distinctAt: number;
      };
      const boots = db.prepare('select boot_id, committed_seq from agent_boots').all() as Array<{
        committed_seq: number;
      }>;
      // Every seq the agent sent was acknowledged (nothing left in its spool), no seq is missing
      // (a hole would be a seq_gap), and no sample is there twice.
      expect(leftover).toMatchObject({ unsent: 0, sent: 0 });
      expect(holes.n).toBe(0);
      expect(lost.n).toBe(0);
      expect(rows.distinctAt).toBe(rows.n);
      expect(boots).toHaveLength(1);
      measure(
        `hub kill -9: samples stored ${rows.n}, duplicates 0, lost 0, last seq ${boots[0]?.committed_seq}`,
        0,
      );
    } finally {
      db.close();
    }
  });
});
