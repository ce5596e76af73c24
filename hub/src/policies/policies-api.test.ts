import type { Policy, PolicyMessage, WelcomeMessage } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnrolmentToken } from '../enrolment/create-enrolment-token.js';
import { enrolAgent } from '../enrolment/enrol-agent.js';
import type { RunningHub } from '../server.js';
import { helloFor, startTestHub, TEST_OS, userToken } from '../test-support/test-hub.js';
import { connectPeer, type Peer } from '../test-support/ws-peer.js';

const ACME_FP = 'a1'.repeat(16);
const GLOBEX_FP = 'b2'.repeat(16);

let hub: RunningHub;
let admin: string;
let tech: string;
const peers: Peer[] = [];
const agents: Record<
  'acme' | 'globex',
  { agentId: string; secret: string; hostId: string; clientId: string }
> = {} as never;

async function api(method: string, path: string, body?: unknown, token = admin) {
  const res = await fetch(`${hub.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Connect as the agent and return the policy of its welcome. */
async function connect(name: 'acme' | 'globex'): Promise<{ peer: Peer; policy: Policy }> {
  const peer = await connectPeer(hub.url);
  peers.push(peer);
  const agent = agents[name];
  peer.send(helloFor(agent, { fingerprint: name === 'acme' ? ACME_FP : GLOBEX_FP }));
  const welcome = (await peer.next()) as WelcomeMessage;
  expect(welcome.type).toBe('welcome');
  return { peer, policy: welcome.policy };
}

beforeEach(async () => {
  // The hub's policy file: the defaults under every layer.
  hub = await startTestHub({ policy: { services: ['sshd'] } });
  admin = await userToken(hub.deps, 'admin', 'admin');
  tech = await userToken(hub.deps, 'tech', 'n2');
  for (const [name, fingerprint, role] of [
    ['acme', ACME_FP, 'server'],
    ['globex', GLOBEX_FP, 'workstation'],
  ] as const) {
    const created = await createEnrolmentToken(hub.deps, {
      client: name,
      site: 'hq',
      role,
      maxUses: 1,
      ttlMs: 60_000,
    });
    const enrolled = await enrolAgent(hub.deps, {
      token: created.token,
      fingerprint,
      hostname: `${name}-1`,
      os: TEST_OS,
    });
    if (!enrolled.ok) throw new Error(enrolled.code);
    agents[name] = { ...enrolled.response, clientId: created.clientId };
  }
});

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await hub.close();
});

describe('policy layers over the API', () => {
  it('welcomes with the defaults from the policy file while no layer is set', async () => {
    const { policy } = await connect('acme');
    expect(policy).toMatchObject({ revision: 0, metricsIntervalSec: 10, services: ['sshd'] });
  });

  it('pushes a changed client layer to that client’s connected agent only, at once', async () => {
    const acme = await connect('acme');
    const globex = await connect('globex');
    const saved = await api('PUT', `/policies/clients/${agents.acme.clientId}`, {
      metricsIntervalSec: 30,
      checks: { 'cpu.busy': { warning: { trigger: 85 } } },
    });
    expect(saved).toMatchObject({ status: 200, body: { revision: 1, pushedTo: 1 } });
    const pushed = (await acme.peer.next()) as PolicyMessage;
    expect(pushed.type).toBe('policy');
    expect(pushed.policy).toMatchObject({ revision: 1, metricsIntervalSec: 30, services: ['sshd'] });
    expect(pushed.policy.checks?.find((r) => r.kind === 'cpu.busy')?.warning).toEqual({
      trigger: 85,
      clear: 80,
    });

    // A global change reaches both; globex's first push is that one (it never got revision 1).
    await api('PUT', '/policies/global', { processesIntervalSec: 120 });
    const toGlobex = (await globex.peer.next()) as PolicyMessage;
    expect(toGlobex.policy).toMatchObject({ revision: 2, metricsIntervalSec: 10, processesIntervalSec: 120 });
    const toAcme = (await acme.peer.next()) as PolicyMessage;
    expect(toAcme.policy).toMatchObject({ revision: 2, metricsIntervalSec: 30, processesIntervalSec: 120 });
  });

  it('applies role and host layers over the client, and a reconnecting agent gets the result in its welcome', async () => {
    await api('PUT', `/policies/clients/${agents.acme.clientId}`, {
      metricsIntervalSec: 30,
      services: ['nginx'],
    });
    await api('PUT', '/policies/roles/server', { metricsIntervalSec: 20 });
    await api('PUT', `/policies/hosts/${agents.acme.hostId}`, { metricsIntervalSec: 5 });
    const { policy } = await connect('acme');
    expect(policy).toMatchObject({ revision: 3, metricsIntervalSec: 5, services: ['nginx'] });
    const { body } = await api('GET', `/hosts/${agents.acme.hostId}/effective-policy`);
    expect(body).toMatchObject({
      hostId: agents.acme.hostId,
      client: { id: agents.acme.clientId, name: 'acme' },
      revision: 3,
      policy: { metricsIntervalSec: 5, services: ['nginx'] },
      problems: [],
    });
    const sources = body.sources as Record<string, string>;
    expect(sources['/metricsIntervalSec']).toBe(`host:${agents.acme.hostId}`);
    expect(sources['/services']).toBe(`client:${agents.acme.clientId}`);
    expect(sources['/processesIntervalSec']).toBe('defaults');
    expect((body.layers as Array<{ scope: string }>).map((l) => l.scope)).toEqual(['client', 'role', 'host']);
  });

  it('clears a layer with DELETE: the host inherits again and its agent is told', async () => {
    await api('PUT', `/policies/hosts/${agents.acme.hostId}`, { metricsIntervalSec: 5 });
    const acme = await connect('acme');
    expect(acme.policy.metricsIntervalSec).toBe(5);
    expect((await api('DELETE', `/policies/hosts/${agents.acme.hostId}`)).status).toBe(200);
    const pushed = (await acme.peer.next()) as PolicyMessage;
    expect(pushed.policy).toMatchObject({ revision: 2, metricsIntervalSec: 10 });
    expect((await api('GET', `/policies/hosts/${agents.acme.hostId}`)).body).toMatchObject({
      layer: { settings: {} },
    });
    expect((await api('GET', '/policies')).body).toMatchObject({
      defaults: { services: ['sshd'] },
      layers: [],
    });
  });

  it('pushes the new effective policy when an admin moves a host to another role', async () => {
    await api('PUT', '/policies/roles/workstation', { metricsIntervalSec: 60 });
    const acme = await connect('acme');
    expect(acme.policy.metricsIntervalSec).toBe(10);
    const patched = await fetch(`${hub.url}/api/v1/hosts/${agents.acme.hostId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'workstation' }),
    });
    expect(patched.status).toBe(200);
    const pushed = (await acme.peer.next()) as PolicyMessage;
    expect(pushed.type).toBe('policy');
    expect(pushed.policy).toMatchObject({ revision: 1, metricsIntervalSec: 60 });
  });

  describe('refuses', () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['an interval out of range', '/policies/global', { metricsIntervalSec: 0 }, 400, 'VALIDATION_FAILED'],
      ['an unknown key', '/policies/global', { metricsInterval: 5 }, 400, 'VALIDATION_FAILED'],
      ['an unknown check kind', '/policies/global', { checks: { 'cpu.bsy': {} } }, 400, 'VALIDATION_FAILED'],
      // cpu.busy's critical triggers at 98: a warning at 99 would be past it.
      [
        'a threshold that makes the rule inconsistent',
        '/policies/roles/server',
        { checks: { 'cpu.busy': { warning: { trigger: 99, clear: 90 } } } },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a client that does not exist',
        '/policies/clients/cli_nope',
        { metricsIntervalSec: 5 },
        404,
        'NOT_FOUND',
      ],
      ['a role that does not exist', '/policies/roles/printer', { metricsIntervalSec: 5 }, 404, 'NOT_FOUND'],
      ['a host that does not exist', '/policies/hosts/hst_nope', { metricsIntervalSec: 5 }, 404, 'NOT_FOUND'],
      [
        'a maintenance window that does not exist',
        '/policies/global',
        { maintenanceWindows: ['mw_nope'] },
        400,
        'VALIDATION_FAILED',
      ],
    ];
    for (const [why, path, body, status, code] of cases) {
      it(why, async () => {
        const res = await api('PUT', path, body);
        expect({ status: res.status, code: (res.body.error as { code: string }).code }).toEqual({
          status,
          code,
        });
        expect((await api('GET', '/policies')).body.layers).toEqual([]);
      });
    }

    it('a layer from a non-admin', async () => {
      expect((await api('PUT', '/policies/global', { metricsIntervalSec: 5 }, tech)).status).toBe(403);
      expect((await api('GET', '/policies', undefined, tech)).status).toBe(403);
    });
  });
});
