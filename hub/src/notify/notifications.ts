import type { HubDeps } from '../config/deps.js';
import type { IncidentNotifier } from '../incidents/notifier.js';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.js';
import { createOutboxNotifier } from './outbox-notifier.js';
import { createSendToChannel } from './send-to-channel.js';
import { type SendMail, smtpSendMail } from './senders/email.js';
import type { NotificationSettings } from './settings.js';
import { createTargetGuard, type LookupAll, type TargetGuard } from './target-guard.js';

/** Notifications as the server and the API see them. */
export interface Notifications {
  /** Hand this to the incident engine. */
  readonly notifier: IncidentNotifier;
  readonly worker: DeliveryWorker;
  /** Checks webhook URLs at channel creation (the senders check again at send time). */
  readonly guard: TargetGuard;
  /** Whether e-mail channels can work (VIGIE_SMTP_HOST is set). */
  readonly emailConfigured: boolean;
  /** Deliver soon what was just queued (the worker's wake). */
  wake(): void;
}

/** Seams for tests: DNS, SMTP and the retry jitter. */
export interface NotificationOverrides {
  lookup?: LookupAll;
  sendMail?: SendMail;
  jitter?: () => number;
}

/** Told of each notice delivered (the hub's metrics). */
export interface DeliveryObserver {
  sent(seconds: number): void;
}

/** Build the guard, the senders, the outbox notifier and the delivery worker (not started). */
export function createNotifications(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random' | 'log'>,
  settings: NotificationSettings,
  overrides: NotificationOverrides = {},
  observer?: DeliveryObserver,
): Notifications {
  const guard = createTargetGuard({
    allow: settings.allow,
    ...(overrides.lookup ? { lookup: overrides.lookup } : {}),
  });
  const sendMail =
    overrides.sendMail ??
    (settings.smtp ? smtpSendMail(settings.smtp, settings.worker.timeoutMs) : undefined);
  const send = createSendToChannel({
    guard,
    timeoutMs: settings.worker.timeoutMs,
    mailFrom: settings.mailFrom,
    sendMail,
  });
  const worker = createDeliveryWorker(
    {
      db: deps.db,
      clock: deps.clock,
      log: deps.log,
      random: deps.random,
      jitter: overrides.jitter ?? Math.random,
      ...(observer && { observer }),
    },
    send,
    settings.worker,
  );
  const notifier = createOutboxNotifier(deps, { afterQueued: () => worker.wake() });
  return { notifier, worker, guard, emailConfigured: sendMail !== undefined, wake: () => worker.wake() };
}
