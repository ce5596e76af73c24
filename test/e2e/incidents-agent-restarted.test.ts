import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent } from '../support/agent-process.js';
import { fsUsageRule, measure, startAgent, startHub } from '../support/hub-fixture.js';
import { pollUntil, stopAll } from '../support/processes.js';
import { mountTmpfs, unmountAll } from '../support/tmpfs.js';

const MIB = 1024 * 1024;
/** The agent's sample interval in this scenario (seconds). */
const INTERVAL_SEC = 1;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-restart-'));
});

afterEach(async () => {
  await stopAll();
  await unmountAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('an agent restarted after its fault cleared', () => {
  it('marks the open ticket recovered within one interval of its first report, saying why', async () => {
    const fs = await mountTmpfs(join(dir, 'data'), 8 * MIB);
    const hub = await startHub(dir, {
      args: ['--metrics-interval', String(INTERVAL_SEC), '--heartbeat-interval', '1'],
      // A long quiet period: the ticket must read "recovered", not wait to be resolved.
      env: { VIGIE_INCIDENT_RULES: JSON.stringify({ quietPeriodMs: 600_000 }) },
      policy: { checks: [fsUsageRule(fs.path, { forSec: 1, clearForSec: 1 })] },
    });
    const stateDir = join(dir, 'agent');
    const first = await startAgent(hub, stateDir, ['--heartbeat-interval', '1']);

    fs.fillTo(95);
    const open = await pollUntil(
      async () => (await hub.incidents(first.hostId, 'fs.usage')).find((i) => i.state === 'new'),
      15_000,
      'the ticket opening',
    );
    expect(open.recovered_at).toBeNull();

    // The machine goes down with the fault; the fault is gone when it comes back.
    await first.process.stop();
    fs.empty();
    const restarted = runAgent(stateDir, hub.url, ['--heartbeat-interval', '1']);
    await restarted.waitFor(/connected to hub/, 15_000);
    const connectedAt = Date.now();
    const recovered = await pollUntil(
      async () => {
        const [incident] = await hub.incidents(first.hostId, 'fs.usage');
        return incident?.recovered_at ? incident : undefined;
      },
      (INTERVAL_SEC + 5) * 1000,
      'the ticket reading recovered',
    );
    measure('restart → ticket recovered', Date.now() - connectedAt);
    expect(recovered).toMatchObject({ id: open.id, state: 'new', resolved_at: null });
    const timeline = await hub.timeline(open.id);
    const why = timeline.find((e) => e.kind === 'recovered_by_snapshot');
    expect(why?.detail).toMatchObject({ reason: 'ok', check: 'fs.usage', resource: fs.path });
    expect(await hub.incidents(first.hostId, 'fs.usage')).toHaveLength(1);
  });
});
