import { beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import type { HubDeps } from '../../config/deps.js';
import { addHost, sendCheck } from '../../incidents/testing.js';
import { testIncidentRuntime } from '../../test-support/incident-runtime.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

// Children are folded under their parent in the list (0026): the parent row says how many and which.

let now = Date.UTC(2026, 10, 25, 12, 0);
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let reader: string;

interface Listed {
  id: string;
  parent_id: string | null;
  children: { count: number; ids: string[] };
}
const list = async (query = '') =>
  (
    (await (
      await app.request(`/api/v1/incidents${query}`, { headers: { authorization: `Bearer ${reader}` } })
    ).json()) as { incidents: Listed[] }
  ).incidents;

beforeEach(async () => {
  now = Date.UTC(2026, 10, 25, 12, 0);
  deps = await createTestDeps(() => now);
  app = createApp(testHubServices(deps));
  const r = await createUserWithToken(deps, { name: 'lecteur', role: 'readonly' });
  if (!r.ok) throw new Error('user');
  reader = r.token;
});

describe('GET /api/v1/incidents folds children under their parent', () => {
  it('lists the parent once with its children count and ids; include=children and parent=<id> list them', async () => {
    const runtime = testIncidentRuntime();
    const srv = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const parent = (await sendCheck(deps, runtime, srv, 'fs.usage', 'warning', '/var')).incidentId;
    now += 30_000; // inside the host-group window
    const child = (await sendCheck(deps, runtime, srv, 'service.down', 'critical', 'nginx')).incidentId;
    const other = (await sendCheck(deps, runtime, await addHost(deps.db), 'cpu.busy', 'warning')).incidentId;

    const folded = await list();
    expect(folded.map((i) => i.id).sort()).toEqual([parent, other].sort());
    expect(folded.find((i) => i.id === parent)?.children).toEqual({ count: 1, ids: [child] });
    expect(folded.find((i) => i.id === other)?.children).toEqual({ count: 0, ids: [] });
    // Filtering by host folds too: the parent stands for its child.
    expect((await list(`?host=${srv}`)).map((i) => i.id)).toEqual([parent]);

    const all = await list('?include=children');
    expect(all.map((i) => i.id).sort()).toEqual([parent, child, other].sort());
    expect(all.find((i) => i.id === child)?.parent_id).toBe(parent);
    expect((await list(`?parent=${parent}`)).map((i) => i.id)).toEqual([child]);
  });

  it('shows a child still open on its own row once its parent is no longer open', async () => {
    const runtime = testIncidentRuntime();
    const srv = await addHost(deps.db, { role: 'server', tags: ['production'] });
    const parent = (await sendCheck(deps, runtime, srv, 'fs.usage', 'warning', '/var')).incidentId;
    now += 30_000;
    const child = (await sendCheck(deps, runtime, srv, 'service.down', 'critical', 'nginx')).incidentId;
    await deps.db
      .updateTable('incidents')
      .set({ state: 'resolved', open_key: null, resolved_at: now })
      .where('id', '=', parent ?? '')
      .execute();
    expect((await list()).map((i) => i.id).sort()).toEqual([parent, child].sort());
    expect((await list('?open=true')).map((i) => i.id)).toEqual([child]);
  });
});
