import type { HubConfig } from '../config/config.js';
import type { DeliveryWorkerOptions } from './delivery-worker.js';
import type { SmtpSettings } from './senders/email.js';

/** Defaults for the optional notification settings of HubConfig. */
export const NOTIFY_DEFAULTS = {
  intervalSec: 5,
  maxAttempts: 8,
  timeoutSec: 10,
  concurrency: 4,
  backoffSec: 30,
  backoffMaxSec: 3600,
  smtpPort: 587,
  smtpFrom: 'Vigie <vigie@localhost>',
} as const;

/** Everything notifications need, resolved from the hub's configuration. */
export interface NotificationSettings {
  readonly worker: DeliveryWorkerOptions;
  readonly allow: string;
  readonly smtp: SmtpSettings | undefined;
  readonly mailFrom: string;
}

/** Apply defaults; a lease outlives the slowest request several times over before a takeover. */
export function notificationSettings(config: HubConfig): NotificationSettings {
  const timeoutMs = (config.notifyTimeoutSec ?? NOTIFY_DEFAULTS.timeoutSec) * 1000;
  const mailFrom = config.smtpFrom ?? NOTIFY_DEFAULTS.smtpFrom;
  return {
    worker: {
      intervalMs: (config.notifyIntervalSec ?? NOTIFY_DEFAULTS.intervalSec) * 1000,
      maxAttempts: config.notifyMaxAttempts ?? NOTIFY_DEFAULTS.maxAttempts,
      timeoutMs,
      concurrency: config.notifyConcurrency ?? NOTIFY_DEFAULTS.concurrency,
      backoffBaseMs: (config.notifyBackoffSec ?? NOTIFY_DEFAULTS.backoffSec) * 1000,
      backoffMaxMs: NOTIFY_DEFAULTS.backoffMaxSec * 1000,
      leaseMs: Math.max(60_000, timeoutMs * 4),
    },
    allow: config.notifyAllow ?? '',
    mailFrom,
    smtp:
      config.smtpHost === undefined
        ? undefined
        : {
            host: config.smtpHost,
            port: config.smtpPort ?? NOTIFY_DEFAULTS.smtpPort,
            secure: config.smtpSecure ?? false,
            user: config.smtpUser,
            password: config.smtpPassword,
            from: mailFrom,
          },
  };
}
