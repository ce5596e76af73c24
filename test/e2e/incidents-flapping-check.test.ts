import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsUsageRule, type IncidentView, measure, startAgent, startHub } from '../support/hub-fixture.js';
import { pollUntil, stopAll } from '../support/processes.js';
import { mountTmpfs, unmountAll } from '../support/tmpfs.js';

const MIB = 1024 * 1024;
/** The fault comes back this many times after its first ticket. */
const RETURNS = 3;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-flap-'));
});

afterEach(async () => {
  await stopAll();
  await unmountAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('a check flapping', () => {
  it('yields one incident marked flapping, reopened each time the fault returns within the window', async () => {
    const fs = await mountTmpfs(join(dir, 'flap'), 8 * MIB);
    const hub = await startHub(dir, {
      args: ['--metrics-interval', '1', '--heartbeat-interval', '1', '--incident-sweep-interval', '0.5'],
      // Minutes compressed into seconds: a one-second quiet period, and a one-minute reopen
      // window that every return of the fault falls within.
      env: { VIGIE_INCIDENT_RULES: JSON.stringify({ quietPeriodMs: 1000, reopenWindowMs: 60_000 }) },
      policy: { checks: [fsUsageRule(fs.path, { forSec: 1, clearForSec: 1 })] },
    });
    const agent = await startAgent(hub, join(dir, 'agent'), ['--heartbeat-interval', '1']);
    const only = async (): Promise<IncidentView | undefined> => {
      const list = await hub.incidents(agent.hostId, 'fs.usage');
      expect(list.length).toBeLessThanOrEqual(1);
      return list[0];
    };

    for (let fault = 0; fault <= RETURNS; fault++) {
      fs.fillTo(85);
      const filledAt = Date.now();
      const open = await pollUntil(
        async () => {
          const incident = await only();
          return incident && incident.state !== 'resolved' && incident.flaps === fault ? incident : undefined;
        },
        15_000,
        fault === 0 ? 'the first ticket' : `reopening #${fault}`,
      );
      const at =
        fault === 0
          ? open.opened_at
          : (await hub.timeline(open.id)).filter((e) => e.kind === 'reopened')[fault - 1]!.at;
      measure(
        `c. fault #${fault + 1} → ${fault === 0 ? 'ticket opened' : 'same ticket reopened'}`,
        at - filledAt,
      );

      fs.empty();
      await pollUntil(
        async () => {
          const incident = await only();
          return incident?.state === 'resolved' && incident.flaps === fault ? incident : undefined;
        },
        15_000,
        `resolution #${fault + 1}`,
      );
    }

    const incidents = await hub.incidents(agent.hostId, 'fs.usage');
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ flapping: 1, flaps: RETURNS, occurrences: RETURNS + 1 });
    const timeline = await hub.timeline(incidents[0]!.id);
    const count = (kind: string) => timeline.filter((e) => e.kind === kind).length;
    expect(count('opened')).toBe(1);
    expect(count('reopened')).toBe(RETURNS);
    expect(count('resolved')).toBe(RETURNS + 1);
    expect(timeline.filter((e) => e.kind === 'reopened').every((e) => e.detail.flapping === true)).toBe(true);
  });
});
