import type { CheckState } from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import { insertHost, NO_HEALTH_YET } from '../repositories/hosts.js';
import { listIncidentEvents } from '../repositories/incident-events.js';
import { insertMaintenanceWindow, type MaintenanceWindowRow } from '../repositories/maintenance-windows.js';
import { handleCheckState } from './handle-check-state.js';
import type { SignalOutcome } from './handle-signal.js';
import type { IncidentNotice, IncidentNotifier } from './notifier.js';
import type { IncidentRuntime } from './runtime.js';

/** A notifier that remembers what it was told (test support). */
export function recordingNotifier(): IncidentNotifier & { notices: IncidentNotice[] } {
  const notices: IncidentNotice[] = [];
  return { notices, notify: async (_trx, notice) => void notices.push(notice) };
}

let hostSeq = 0;

/** Insert a host as enrolment would have (test support). */
export async function addHost(
  db: Kysely<Database>,
  host: {
    role?: 'server' | 'workstation';
    tags?: string[];
    site?: string;
    lastSeenAt?: number;
    connected?: boolean;
  } = {},
): Promise<string> {
  hostSeq += 1;
  const id = `hst_test_${hostSeq}`;
  await insertHost(db, {
    id,
    hostname: `host-${hostSeq}`,
    fingerprint: `fp${hostSeq}`,
    client: 'acme',
    site: host.site ?? 'paris',
    role: host.role ?? 'workstation',
    tags: JSON.stringify(host.tags ?? []),
    os_platform: 'linux',
    os_distro: 'Debian',
    os_release: '12',
    os_kernel: '6.1',
    os_arch: 'x64',
    agent_version: '0.1.0',
    first_seen_at: 0,
    last_seen_at: host.lastSeenAt ?? null,
    connected: host.connected ? 1 : 0,
    ...NO_HEALTH_YET,
  });
  return id;
}

let seq = 0;

/** Feed one check state as the ingest would, in its own transaction (test support). */
export async function sendCheck(
  deps: Pick<HubDeps, 'db' | 'clock'>,
  runtime: IncidentRuntime,
  hostId: string,
  check: string,
  state: CheckState,
  resource?: string,
): Promise<SignalOutcome> {
  seq += 1;
  return deps.db.transaction().execute((trx) =>
    handleCheckState(
      trx,
      runtime,
      hostId,
      {
        type: 'checkState',
        bootId: 'boot_test_0001',
        seq,
        at: deps.clock(),
        check,
        ...(resource === undefined ? {} : { resource }),
        state,
        previous: 'ok',
        value: null,
        threshold: null,
      },
      deps.clock(),
    ),
  );
}

/** Open incidents per dedup key, counted by SQL (test support). */
export async function openCountsByKey(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('incidents')
    .select(['dedup_key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['new', 'acknowledged', 'in_progress', 'pending'])
    .groupBy('dedup_key')
    .execute();
  return new Map(rows.map((row) => [row.dedup_key, Number(row.n)]));
}

/** Timeline kinds of an incident, in order (test support). */
export async function timelineKinds(db: Kysely<Database>, incidentId: string): Promise<string[]> {
  return (await listIncidentEvents(db, incidentId)).map((event) => event.kind);
}

/** A daily hour of patching at noon UTC over `scope`/`target`, as an admin would create it (test support). */
export async function addNoonPatchingWindow(
  db: Kysely<Database>,
  window: Pick<MaintenanceWindowRow, 'id' | 'scope' | 'target'>,
): Promise<void> {
  await insertMaintenanceWindow(db, {
    ...window,
    cron: '0 12 * * *',
    duration_ms: 3_600_000,
    timezone: 'UTC',
    reason: 'patching',
    created_by: null,
    created_at: 0,
    disabled_at: null,
  });
}
