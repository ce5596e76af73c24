import type { EnrolResponse } from '@vigie/shared';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../../config/deps.js';
import { authenticateHello } from '../../ingest/authenticate-hello.js';
import { findHost } from '../../repositories/hosts.js';
import {
  createTestDeps,
  enrolTestAgent,
  helloFor,
  testHubServices,
  userToken,
} from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;
let technician: string;
let hostId: string;
let credential: EnrolResponse;
let logLines: Record<string, unknown>[];

const patch = (path: string, body: unknown, token = admin) =>
  app.request(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeEach(async () => {
  logLines = [];
  const base = await createTestDeps(() => 1_764_000_000_000);
  // A real logger writing into an array, so the audit line can be asserted.
  const log = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  deps = { ...base, log };
  app = createApp(testHubServices(deps));
  admin = await userToken(deps, 'admin', 'admin');
  technician = await userToken(deps, 'tech', 'n3');
  credential = await enrolTestAgent(deps);
  hostId = credential.hostId;
});

describe('GET /api/v1/hosts/:id', () => {
  it('shows the legacy handshakes (bare secret, no nonce proof) an admin must see gone before refusing them', async () => {
    const get = async () => {
      const res = await app.request(`/api/v1/hosts/${hostId}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      return (await res.json()) as { legacyHandshake: unknown };
    };
    expect((await get()).legacyHandshake).toEqual({
      count: 0,
      lastAt: null,
      agentsWithoutHelloKey: 0,
    });
    expect((await authenticateHello(deps, helloFor(credential))).ok).toBe(true);
    expect((await get()).legacyHandshake).toEqual({
      count: 1,
      lastAt: 1_764_000_000_000,
      agentsWithoutHelloKey: 0,
    });
  });
});

describe('PATCH /api/v1/hosts/:id', () => {
  describe('as an admin', () => {
    it('sets role, tags, client and site, answers the host view and logs who did it', async () => {
      const res = await patch(`/api/v1/hosts/${hostId}`, {
        role: 'server',
        tags: ['production', 'vip', 'production'],
        client: 'globex',
        site: 'lyon',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        host: { id: hostId, role: 'server', tags: ['production', 'vip'], client: 'globex', site: 'lyon' },
      });
      const row = await findHost(deps.db, hostId);
      expect(row).toMatchObject({ role: 'server', client: 'globex', site: 'lyon' });
      expect(JSON.parse(row!.tags)).toEqual(['production', 'vip']);
      const line = logLines.find((l) => l.msg === 'host updated');
      expect(line).toMatchObject({
        hostId,
        by: 'admin',
        before: { client: 'acme', site: 'paris', tags: [] },
        changes: { role: 'server', tags: ['production', 'vip'] },
      });
    });

    it('changes only what the body names', async () => {
      await patch(`/api/v1/hosts/${hostId}`, { tags: ['infrastructure'] });
      const res = await patch(`/api/v1/hosts/${hostId}`, { role: 'workstation' });
      expect(await res.json()).toMatchObject({
        host: { role: 'workstation', tags: ['infrastructure'], client: 'acme', site: 'paris' },
      });
    });

    it('clears the tags with an empty list', async () => {
      await patch(`/api/v1/hosts/${hostId}`, { tags: ['vip'] });
      const res = await patch(`/api/v1/hosts/${hostId}`, { tags: [] });
      expect(await res.json()).toMatchObject({ host: { tags: [] } });
    });

    it('answers 404 for a host that does not exist', async () => {
      const res = await patch('/api/v1/hosts/hst_missing', { role: 'server' });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    });

    it.each([
      ['an unknown role', { role: 'mainframe' }, 'role'],
      ['tags that are not a list', { tags: 'production' }, 'tags'],
      ['too many tags', { tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, 'tags'],
      ['a tag too long', { tags: ['x'.repeat(65)] }, 'tags.0'],
      ['an empty tag', { tags: ['  '] }, 'tags.0'],
      ['a tag with spaces inside', { tags: ['prod server'] }, 'tags.0'],
      ['an empty client', { client: '' }, 'client'],
      ['a site too long', { site: 's'.repeat(257) }, 'site'],
      ['a field admins may not set', { hostname: 'spoofed' }, ''],
      ['nothing to change', {}, ''],
    ])('refuses %s with VALIDATION_FAILED and changes nothing', async (_, body, path) => {
      const res = await patch(`/api/v1/hosts/${hostId}`, body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; details: { path: string }[] } };
      expect(json.error.code).toBe('VALIDATION_FAILED');
      expect(json.error.details.map((d) => d.path)).toContain(path);
      expect(await findHost(deps.db, hostId)).toMatchObject({
        role: 'server',
        tags: '[]',
        client: 'acme',
        site: 'paris',
      });
    });

    it('refuses a body that is not JSON', async () => {
      const res = await patch(`/api/v1/hosts/${hostId}`, '{role:');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    });
  });

  it('forbids technicians: role and tags steer priority and routing', async () => {
    const res = await patch(`/api/v1/hosts/${hostId}`, { tags: ['production'] }, technician);
    expect(res.status).toBe(403);
    expect(JSON.parse((await findHost(deps.db, hostId))!.tags)).toEqual([]);
  });

  it('needs a bearer token', async () => {
    const res = await app.request(`/api/v1/hosts/${hostId}`, { method: 'PATCH', body: '{}' });
    expect(res.status).toBe(401);
  });
});
