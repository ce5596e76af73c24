import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import { runIncidentSweep } from './jobs/sweep.js';
import type { IncidentRuntime } from './runtime.js';
import { addHost, sendCheck } from './testing.js';
import { problemTitle } from './text/render.js';

// A problem's title is data like an incident's (0027): rendered in the reader's language.

const MIN = 60_000;
let now = Date.UTC(2026, 10, 25, 12, 0);
let deps: HubDeps;
let runtime: IncidentRuntime;

beforeEach(async () => {
  now = Date.UTC(2026, 10, 25, 12, 0);
  deps = await createTestDeps(() => now);
  runtime = testIncidentRuntime();
});

describe('problem titles', () => {
  it('are stored as the incidents’ title code and rendered « Récurrent : … » or "Recurring: …"', async () => {
    const host = await addHost(deps.db);
    for (let day = 0; day < 3; day += 1) {
      await sendCheck(deps, runtime, host, 'service.down', 'critical', 'nginx');
      await sendCheck(deps, runtime, host, 'service.down', 'ok', 'nginx');
      now += 5 * MIN;
      await runIncidentSweep(deps.db, runtime, { graceMs: 90_000, connectedGraceMs: 10 * MIN }, now);
      now += 24 * 60 * MIN;
    }
    const problem = await deps.db.selectFrom('problems').selectAll().executeTakeFirstOrThrow();
    expect(problem.title_code).toBe('check');
    const fr = problemTitle(problem, 'fr');
    const en = problemTitle(problem, 'en');
    expect(fr).toMatch(/^Récurrent : /);
    expect(fr).toContain('nginx');
    expect(en).toMatch(/^Recurring: /);
    expect(fr).not.toBe(en.replace('Recurring: ', 'Récurrent : '));
    expect(fr).not.toMatch(/[a-z]{3}_[A-Za-z0-9]{6,}/);
  });

  it('shows a problem from before codes by its stored title', () => {
    expect(problemTitle({ title: 'Recurring: disk full', title_code: null, title_params: null }, 'fr')).toBe(
      'Recurring: disk full',
    );
  });
});
