import type { SupportLevel } from '@vigie/shared';
import type { HubDeps } from '../../config/deps.js';
import type { IncidentNotice, NoticeKind } from '../../incidents/notifier.js';
import { createTestDeps } from '../../test-support/test-hub.js';
import type { ChannelTarget } from '../channel-config.js';
import { insertChannel } from '../channels/store.js';
import { createNotifications, type NotificationOverrides } from '../notifications.js';
import type { NotificationSettings } from '../settings.js';

export const T0 = 1_764_000_000_000;

/** A notice as the incident engine would hand it over. */
export function sampleNotice(overrides: Partial<IncidentNotice> = {}): IncidentNotice {
  return {
    kind: 'opened',
    deliveryKey: 'inc_0001/N3',
    incidentId: 'inc_0001',
    level: 'N3',
    priority: 5,
    title: 'Host silent',
    client: 'acme',
    site: 'paris',
    hostId: 'hst_0001',
    hostname: 'srv-db-01',
    check: 'host_silent',
    resource: '',
    state: 'new',
    at: T0,
    reason: 'No heartbeat for 90 s',
    ...overrides,
  };
}

/** Worker settings for tests: loopback allowed, 1 s backoff base, short timeouts. */
export function testSettings(overrides: Partial<NotificationSettings['worker']> = {}): NotificationSettings {
  return {
    worker: {
      intervalMs: 60_000,
      maxAttempts: 5,
      timeoutMs: 2000,
      concurrency: 4,
      backoffBaseMs: 1000,
      backoffMaxMs: 60_000,
      leaseMs: 60_000,
      ...overrides,
    },
    allow: '127.0.0.1',
    smtp: undefined,
    mailFrom: 'Vigie <vigie@hub.example>',
  };
}

/** In-memory hub deps with a settable clock, and notifications built on them. */
export async function notifyHarness(
  settings: NotificationSettings = testSettings(),
  overrides: NotificationOverrides = {},
) {
  const clock = { now: T0 };
  const deps: HubDeps = await createTestDeps(() => clock.now);
  const notifications = createNotifications(deps, settings, { jitter: () => 0.5, ...overrides });
  let n = 0;
  async function addChannel(
    target: ChannelTarget,
    serves: { levels?: SupportLevel[]; noticeKinds?: NoticeKind[]; enabled?: boolean } = {},
  ): Promise<string> {
    const id = `nch_test_${++n}`;
    await insertChannel(deps.db, {
      ...target,
      id,
      name: `channel ${n}`,
      levels: serves.levels ?? ['N3'],
      noticeKinds: serves.noticeKinds ?? ['opened', 'escalated'],
      enabled: serves.enabled ?? true,
      createdAt: clock.now,
    });
    return id;
  }
  async function notify(notice: IncidentNotice): Promise<void> {
    await deps.db.transaction().execute((trx) => notifications.notifier.notify(trx, notice));
  }
  const outbox = () => deps.db.selectFrom('outbox').selectAll().orderBy('created_at').orderBy('id').execute();
  return { clock, deps, notifications, addChannel, notify, outbox };
}
