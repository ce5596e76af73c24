import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsUsageRule, measure, setHost, startAgent, startHub } from '../support/hub-fixture.js';
import { pollUntil, stopAll } from '../support/processes.js';
import { mountTmpfs, unmountAll } from '../support/tmpfs.js';

const MIB = 1024 * 1024;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-fs-'));
});

afterEach(async () => {
  // Processes first: nothing may hold the mount when it goes, and the dir goes last.
  await stopAll();
  await unmountAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('a filesystem filling up on this machine', () => {
  it('opens one warning past 80 %, raises the same incident to critical past 90 %, and resolves it once emptied', async () => {
    const fs = await mountTmpfs(join(dir, 'fill'), 8 * MIB);
    const hub = await startHub(dir, {
      args: ['--metrics-interval', '1', '--heartbeat-interval', '1', '--incident-sweep-interval', '0.5'],
      // A two-second quiet period instead of five minutes: recovery must still hold before resolving.
      env: { VIGIE_INCIDENT_RULES: JSON.stringify({ quietPeriodMs: 2000 }) },
      policy: { checks: [fsUsageRule(fs.path, { forSec: 1, clearForSec: 1 })] },
    });
    const agent = await startAgent(hub, join(dir, 'agent'), ['--heartbeat-interval', '1']);
    // A production server: the warning is P4 for N1, critical makes it P5, which goes to N3.
    await setHost(hub, agent.hostId, { role: 'server', tags: ['production'] });
    await pollUntil(
      async () => {
        const { body } = await hub.api<{ latestSample: { filesystems: { mount: string }[] } | null }>(
          `/api/v1/hosts/${agent.hostId}`,
        );
        return body.latestSample?.filesystems.find((f) => f.mount === fs.path);
      },
      15_000,
      'the agent seeing the tmpfs',
    );

    fs.fillTo(85);
    const filledAt = Date.now();
    const warning = await pollUntil(
      async () => (await hub.incidents(agent.hostId, 'fs.usage'))[0],
      20_000,
      'an fs.usage incident',
    );
    expect(warning).toMatchObject({
      resource: fs.path,
      severity: 'warning',
      state: 'new',
      priority: 4,
      level: 'N1',
    });
    measure('a. tmpfs past 80 % → warning ticket (opened_at)', warning.opened_at - filledAt);

    fs.fillTo(95);
    const overfilledAt = Date.now();
    const critical = await pollUntil(
      async () => (await hub.incidents(agent.hostId, 'fs.usage')).find((i) => i.severity === 'critical'),
      20_000,
      'the incident raised to critical',
    );
    expect(critical).toMatchObject({ id: warning.id, priority: 5, level: 'N3', state: 'new' });
    const raise = (await hub.timeline(warning.id)).find((e) => e.kind === 'priority_raised');
    expect(raise?.detail).toMatchObject({
      severity: { from: 'warning', to: 'critical' },
      priority: { from: 4, to: 5 },
      level: { from: 'N1', to: 'N3' },
    });
    measure('a. tmpfs past 90 % → same ticket raised to critical', raise!.at - overfilledAt);

    fs.empty();
    const emptiedAt = Date.now();
    const resolved = await pollUntil(
      async () => (await hub.incidents(agent.hostId, 'fs.usage')).find((i) => i.state === 'resolved'),
      20_000,
      'the incident resolving on its own',
    );
    expect(resolved).toMatchObject({ id: warning.id, resolution: 'auto' });
    expect(resolved.resolved_at! - resolved.recovered_at!).toBeGreaterThanOrEqual(2000);
    measure(
      'a. tmpfs emptied → auto-resolved (2 s quiet period included)',
      resolved.resolved_at! - emptiedAt,
    );

    expect(await hub.incidents(agent.hostId, 'fs.usage')).toHaveLength(1);
    const kinds = (await hub.timeline(warning.id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['opened', 'priority_raised', 'recovery_seen', 'resolved']));
    expect(kinds.filter((k) => k === 'opened')).toHaveLength(1);
  });
});
