import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setHost, startHub, type TestHub } from '../support/hub-fixture.js';
import { pollUntil, stopAll } from '../support/processes.js';
import { helloFor, openRawAgent, type RawAgent } from '../support/raw-agent.js';

// A real hub; a protocol client stands for an agent whose smartctl reads a degrading disk
// (warning) or a failing one (critical), which this machine's disks cannot produce on demand.

const OS = { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', kernel: '6.1.0', arch: 'x64' };
let dir: string;
const sockets: RawAgent[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-smart-'));
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** A production server reporting one disk.smart state; resolves with its host id. */
async function serverReporting(hub: TestHub, n: number, state: 'warning' | 'critical'): Promise<string> {
  const token = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
    method: 'POST',
    body: JSON.stringify({ client: 'e2e', site: 'lab', maxUses: 1, ttlHours: 1 }),
  });
  const fingerprint = `f${n}`.padEnd(32, '0');
  const hostname = `srv-smart-0${n}`;
  const res = await fetch(`${hub.url}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: token.body.token, fingerprint, hostname, os: OS }),
  });
  expect(res.status).toBe(201);
  const credential = (await res.json()) as { agentId: string; secret: string; hostId: string };
  await setHost(hub, credential.hostId, { role: 'server', tags: ['production'] });
  const socket = await openRawAgent(hub.url);
  sockets.push(socket);
  const bootId = `boot_smart_000${n}`;
  socket.send(helloFor(credential, { fingerprint, hostname, bootId }));
  await socket.next('welcome', 15_000);
  socket.send({
    type: 'checkState',
    bootId,
    seq: 1,
    at: Date.now(),
    check: 'disk.smart',
    resource: 'sda',
    state,
    previous: 'ok',
    value: state === 'critical' ? 2 : 1,
    threshold: state === 'critical' ? 1 : 0,
  });
  await socket.next('ack', 15_000);
  return credential.hostId;
}

describe('disk.smart on a production server', () => {
  it('routes a degrading disk (warning) to N2 at a lower priority, and a failing one (critical) to N3 at P5', async () => {
    const hub = await startHub(dir);
    const degrading = await serverReporting(hub, 1, 'warning');
    const failing = await serverReporting(hub, 2, 'critical');
    const warning = await pollUntil(
      async () => (await hub.incidents(degrading, 'disk.smart'))[0],
      10_000,
      'warning',
    );
    const critical = await pollUntil(
      async () => (await hub.incidents(failing, 'disk.smart'))[0],
      10_000,
      'critical',
    );
    expect(critical).toMatchObject({ severity: 'critical', level: 'N3', priority: 5 });
    expect(warning).toMatchObject({ severity: 'warning', level: 'N2' });
    expect(warning.priority).toBeLessThan(critical.priority);
  });
});
