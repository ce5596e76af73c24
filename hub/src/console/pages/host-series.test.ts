import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import type { HubDeps } from '../../config/deps.js';
import { runRetentionPass } from '../../retention/job.js';
import { RETENTION_DEFAULTS } from '../../retention/settings.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../../test-support/test-hub.js';
import { createConsoleUser } from '../security/accounts.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 11, 1, 0, 0);
let now = T0;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let hostId: string;
let cookie: string;

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

async function signIn(): Promise<string> {
  const created = await createConsoleUser(deps, {
    name: 'alice',
    role: 'n1',
    password: 'correct horse battery',
  });
  if (!created.ok) throw new Error(created.code);
  const form = await app.request('/console/sign-in');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await app.request('/console/sign-in', {
    method: 'POST',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      username: 'alice',
      password: 'correct horse battery',
      _csrf: token,
    }).toString(),
  });
  return cookiesOf(res)
    .split('; ')
    .filter((c) => c.startsWith('vigie_session='))
    .join('; ');
}

beforeEach(async () => {
  now = T0;
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  hostId = (await enrolTestAgent(deps)).hostId;
  // Three days of a sample a minute (cpu = the day number), rolled up and pruned as the hub would.
  const rows = Array.from({ length: 3 * 24 * 60 }, (_, i) => ({
    host_id: hostId,
    boot_id: 'boot_series',
    seq: i + 1,
    idx: 0,
    at: T0 + i * MIN,
    received_at: T0 + i * MIN + 100,
    cpu_pct: 10 + Math.floor(i / (24 * 60)),
    mem_pct: 50,
    swap_pct: null,
    disk_max_pct: 70,
    load1: 1,
    payload: '{}',
  }));
  for (let i = 0; i < rows.length; i += 500)
    await deps.db
      .insertInto('samples')
      .values(rows.slice(i, i + 500))
      .execute();
  now = T0 + 3 * DAY;
  await runRetentionPass(
    deps.db,
    { ...RETENTION_DEFAULTS, rollupSliceMs: 4 * DAY, deleteSliceMs: HOUR },
    now,
  );
  // Signed in now: a session opened three days earlier would have expired.
  cookie = await signIn();
});

const series = async (from: number) => {
  const res = await app.request(`/console/hosts/${hostId}/series?from=${from}&to=${now}`, {
    headers: { cookie },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { stepMs: number; points: Array<{ at: number; cpuPct: number | null }> };
};

describe('console host charts past the raw retention', () => {
  it('draws a day from the 1 min tier and a month from the 10 min tier, back to the first sample', async () => {
    expect(
      await deps.db
        .selectFrom('samples')
        .select('at')
        .where('at', '<', now - 2 * HOUR)
        .execute(),
    ).toEqual([]);

    const day = await series(now - DAY);
    expect(day.stepMs).toBe(MIN);
    expect(day.points[0]?.at).toBeLessThanOrEqual(now - DAY + 5 * MIN);
    expect(day.points.at(0)?.cpuPct).toBe(12);

    const month = await series(now - 30 * DAY);
    expect(month.stepMs).toBe(10 * MIN);
    expect(month.points[0]).toMatchObject({ at: T0, cpuPct: 10 });
    expect(month.points.some((p) => p.cpuPct === 11)).toBe(true);

    const hour = await series(now - HOUR);
    expect(hour.stepMs).toBe(0);
    expect(hour.points.length).toBeGreaterThan(0);
  });
});
