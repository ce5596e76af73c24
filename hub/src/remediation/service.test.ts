import {
  type CheckState,
  DEFAULT_POLICY,
  type RemediateMessage,
  type RemediationResultMessage,
} from '@vigie/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { applyTechnicianAction } from '../incidents/technician-actions.js';
import { addHost, addNoonPatchingWindow, recordingNotifier, timelineKinds } from '../incidents/testing.js';
import { storeCheckState } from '../ingest/handlers/store-check-state.js';
import { storeRemediationResult } from '../ingest/handlers/store-remediation-result.js';
import { saveLayer } from '../policies/layers.js';
import { findIncident } from '../repositories/incidents.js';
import { testIncidentRuntime } from '../test-support/incident-runtime.js';
import { createTestDeps } from '../test-support/test-hub.js';
import type { RemediationLink } from './link.js';
import { createRemediationService, type RemediationService } from './service.js';
import { countSucceeded } from './store.js';

const SEC = 1000;
const MIN = 60 * SEC;
const START = Date.UTC(2026, 11, 7, 9, 0);
let now = START;
let deps: HubDeps;
let service: RemediationService;
let notifier: ReturnType<typeof recordingNotifier>;
let sent: RemediateMessage[];
let connected: boolean;
let host: string;
let seq = 0;

const link: RemediationLink = {
  capable: () => connected,
  send: (_hostId, message) => {
    if (!connected) return false;
    sent.push(message);
    return true;
  },
};

beforeEach(async () => {
  now = START;
  sent = [];
  connected = true;
  notifier = recordingNotifier();
  const base = await createTestDeps(() => now);
  const runtime = testIncidentRuntime({ notifier });
  service = createRemediationService({ ...base, runtime, defaults: DEFAULT_POLICY, link });
  deps = { ...base, incidents: runtime, remediation: service.hooks };
  host = await addHost(deps.db, { role: 'server' });
  await saveLayer(
    deps.db,
    {
      scope: 'global',
      target: '',
      settings: {
        remediation: { 'service.down': { action: 'restart-service', attempts: 2, verifySec: 30 } },
      },
    },
    { now, by: null },
  );
});

async function check(state: CheckState, resource = 'nginx') {
  seq += 1;
  await deps.db.transaction().execute((trx) =>
    storeCheckState(
      trx,
      { agentId: 'agt_test_0001', hostId: host },
      {
        type: 'checkState',
        bootId: 'boot_test_0001',
        seq,
        at: now,
        check: 'service.down',
        resource,
        state,
        previous: state === 'ok' ? 'critical' : 'ok',
        value: state === 'ok' ? 0 : 1,
        threshold: 1,
      },
      now,
      deps,
    ),
  );
}

async function answer(
  request: RemediateMessage,
  outcome: RemediationResultMessage['outcome'],
  reason?: RemediationResultMessage['reason'],
) {
  seq += 1;
  await deps.db.transaction().execute((trx) =>
    storeRemediationResult(
      trx,
      { agentId: 'agt_test_0001', hostId: host },
      {
        type: 'remediationResult',
        bootId: 'boot_test_0001',
        seq,
        at: now,
        attemptId: request.attemptId,
        check: request.check,
        resource: request.resource,
        action: request.action,
        outcome,
        ...(reason !== undefined && { reason }),
      },
      now,
      deps,
    ),
  );
}

async function theIncident() {
  const row = await deps.db
    .selectFrom('incidents')
    .select('id')
    .where('host_id', '=', host)
    .executeTakeFirstOrThrow();
  const incident = await findIncident(deps.db, row.id);
  if (!incident) throw new Error('no incident');
  return incident;
}

async function theIncidentOf(resource: string) {
  const row = await deps.db
    .selectFrom('incidents')
    .select('id')
    .where('resource', '=', resource)
    .executeTakeFirstOrThrow();
  const incident = await findIncident(deps.db, row.id);
  if (!incident) throw new Error('no incident');
  return incident;
}

const opened = () => notifier.notices.filter((n) => n.kind === 'opened');

describe('N0 remediation on the hub', () => {
  it('opens the ticket as N0 in progress, asks the agent, and resolves it by N0 without a notice', async () => {
    await check('critical');
    const incident = await theIncident();
    expect(incident.state).toBe('new');
    expect(await timelineKinds(deps.db, incident.id)).toEqual(['opened', 'remediation_started']);
    expect(notifier.notices).toEqual([]);

    await service.tick();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      action: 'restart-service',
      resource: 'nginx',
      attempt: 1,
      maxAttempts: 2,
    });
    await answer(sent[0] as RemediateMessage, 'done');
    now += 5 * SEC;
    await check('ok');
    // Recovered, but verified only once the delay is over: still open, nobody told.
    expect((await theIncident()).state).toBe('new');
    now += 30 * SEC;
    await service.tick();

    const resolved = await theIncident();
    expect(resolved.state).toBe('resolved');
    expect(resolved.resolution).toBe('n0');
    expect(notifier.notices).toEqual([]);
    expect(await timelineKinds(deps.db, incident.id)).toEqual([
      'opened',
      'remediation_started',
      'remediation_attempt',
      'remediation_result',
      'remediation_succeeded',
      'resolved',
    ]);
    const avoided = await countSucceeded(deps.db, { from: START, to: now + 1 });
    expect(avoided).toEqual([{ client: 'acme', check: 'service.down', level: incident.level, n: 1 }]);
  });

  it('pages the ticket at its level after K attempts that did not hold, with the attempts in its timeline', async () => {
    await check('critical');
    for (let attempt = 1; attempt <= 2; attempt++) {
      await service.tick();
      expect(sent).toHaveLength(attempt);
      await answer(sent[attempt - 1] as RemediateMessage, 'done');
      // The service comes back for a moment, then dies again before the verification.
      now += 5 * SEC;
      await check('ok');
      now += 1 * SEC;
      await check('critical');
      expect(opened()).toEqual([]);
      now += 30 * SEC;
      await service.tick();
    }
    await service.tick();
    expect(sent).toHaveLength(2);
    const incident = await theIncident();
    expect(incident.state).toBe('new');
    expect(opened()).toHaveLength(1);
    expect(opened()[0]).toMatchObject({ incidentId: incident.id, level: incident.level });
    const kinds = await timelineKinds(deps.db, incident.id);
    expect(kinds.filter((k) => k === 'remediation_attempt')).toHaveLength(2);
    expect(kinds.at(-1)).toBe('remediation_exhausted');
  });

  it('never acts on an incident a technician acknowledged', async () => {
    await check('critical');
    const incident = await theIncident();
    await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(
          trx,
          deps.incidents,
          incident.id,
          { kind: 'acknowledge' },
          { user: 'alice', now },
        ),
      );
    await service.tick();
    expect(sent).toEqual([]);
    expect((await timelineKinds(deps.db, incident.id)).at(-1)).toBe('remediation_cancelled');
  });

  it('audits an action the machine did not allow and pages the ticket at once', async () => {
    await check('critical');
    await service.tick();
    await answer(sent[0] as RemediateMessage, 'refused', 'not-allowed');
    const audit = await deps.db.selectFrom('security_audit').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      kind: 'remediation.refused',
      reason: 'ACTION_NOT_ALLOWED',
      subject: host,
    });
    expect(opened()).toHaveLength(1);
    expect((await timelineKinds(deps.db, (await theIncident()).id)).at(-1)).toBe('remediation_refused');
  });

  it('pages at once when the policy names no remediation for the check', async () => {
    await saveLayer(deps.db, { scope: 'global', target: '', settings: {} }, { now, by: null });
    await check('critical');
    await service.tick();
    expect(sent).toEqual([]);
    expect(opened().map((n) => n.resource)).toEqual(['nginx']);
    expect(await timelineKinds(deps.db, (await theIncident()).id)).toEqual(['opened']);
  });

  it('pages when the agent is not connected for longer than the verification delay', async () => {
    await check('critical');
    connected = false;
    await service.tick();
    expect(opened()).toEqual([]);
    now += 31 * SEC;
    await service.tick();
    expect(sent).toEqual([]);
    expect(opened()).toHaveLength(1);
  });

  it('proposes a problem when the same remediation keeps succeeding on the same host', async () => {
    for (let round = 0; round < 3; round++) {
      await check('critical');
      await service.tick();
      await answer(sent.at(-1) as RemediateMessage, 'done');
      now += 5 * SEC;
      await check('ok');
      now += 30 * SEC;
      await service.tick();
      now += 40 * MIN;
    }
    expect(sent).toHaveLength(3);
    expect(notifier.notices).toEqual([]);
    const problems = await deps.db.selectFrom('problems').selectAll().execute();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ check: 'service.down', resource: 'nginx', host_id: host });
  });

  it('pages a grouped ticket itself when the ticket it is grouped under was fixed by N0', async () => {
    await check('critical', 'web');
    await check('critical', 'crashy');
    const rows = await deps.db.selectFrom('incidents').select(['id', 'resource', 'parent_id']).execute();
    const crashy = rows.find((r) => r.resource === 'crashy');
    expect(crashy?.parent_id).toBe(rows.find((r) => r.resource === 'web')?.id);
    for (let attempt = 1; attempt <= 2; attempt++) {
      await service.tick();
      for (const request of sent.slice(-2)) if (request.attempt === attempt) await answer(request, 'done');
      now += 5 * SEC;
      if (attempt === 1) await check('ok', 'web');
      now += 30 * SEC;
      await service.tick();
    }
    expect(opened().map((n) => n.resource)).toEqual(['crashy']);
    expect((await theIncidentOf('web')).resolution).toBe('n0');
  });

  describe('inside a maintenance window', () => {
    beforeEach(async () => {
      now = Date.UTC(2026, 11, 7, 12, 10);
      await addNoonPatchingWindow(deps.db, { id: 'mw_1', scope: 'host', target: host });
    });

    it('does nothing unless the policy says so', async () => {
      await check('critical');
      await service.tick();
      expect(sent).toEqual([]);
      expect(await deps.db.selectFrom('remediations').selectAll().execute()).toEqual([]);
    });

    it('remediates without a ticket when the policy allows it', async () => {
      await saveLayer(
        deps.db,
        {
          scope: 'global',
          target: '',
          settings: {
            remediation: {
              'service.down': { action: 'restart-service', verifySec: 30, inMaintenance: true },
            },
          },
        },
        { now, by: null },
      );
      await check('critical');
      await service.tick();
      expect(sent).toHaveLength(1);
      await answer(sent[0] as RemediateMessage, 'done');
      now += 5 * SEC;
      await check('ok');
      now += 30 * SEC;
      await service.tick();
      const [episode] = await deps.db.selectFrom('remediations').selectAll().execute();
      expect(episode).toMatchObject({ incident_id: null, state: 'succeeded' });
      expect(await deps.db.selectFrom('incidents').selectAll().execute()).toEqual([]);
      expect(notifier.notices).toEqual([]);
    });
  });
});
