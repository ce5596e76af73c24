import { badValueMessage, cliLanguage, DEFAULT_POLICY } from '@vigie/shared';
import { z } from 'zod';
import { parseSlaSettings } from '../incidents/sla/parse-settings.js';
import { parseAllowlist } from '../notify/target-guard.js';
import { parseRetentionSpec } from '../retention/settings.js';
import { parseTrustedProxies } from '../security/client-address.js';
import { parseIncidentSettings } from './incident-settings.js';
import { parseLegacyHello } from './legacy-hello.js';
import { readPolicyFile } from './policy-file.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** The SQLite file used when neither --db nor VIGIE_HUB_DB names one; its directory is created. */
export const DEFAULT_HUB_DB = './var/vigie-hub.db';

const configSchema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  port: z.coerce.number().int().min(0).max(65_535).default(8420),
  db: z.string().min(1).default(DEFAULT_HUB_DB),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** How often the hub pings each agent; a socket that missed one ping is terminated (0023). */
  heartbeatIntervalSec: z.coerce.number().min(0.05).max(3600).default(10),
  helloTimeoutSec: z.coerce.number().min(0.05).max(600).default(10),
  /** Metrics interval in the policy sent to agents. */
  metricsIntervalSec: z.coerce.number().int().min(1).max(3600).default(DEFAULT_POLICY.metricsIntervalSec),
  // Notifications. Optional here, defaulted in notify/settings.ts, so existing HubConfig
  // literals stay valid.
  /** Outbox sweep period; a notice also wakes the worker right after it is queued. */
  notifyIntervalSec: z.coerce.number().min(0.01).max(3600).optional(),
  notifyMaxAttempts: z.coerce.number().int().min(1).max(100).optional(),
  /** Per-request bound for webhook and SMTP deliveries. */
  notifyTimeoutSec: z.coerce.number().min(0.1).max(300).optional(),
  notifyConcurrency: z.coerce.number().int().min(1).max(64).optional(),
  /** First retry delay; doubles each attempt (with jitter), capped at one hour. */
  notifyBackoffSec: z.coerce.number().min(0.001).max(3600).optional(),
  /** Webhook targets allowed although private/loopback: hosts, addresses, CIDRs, comma-separated. */
  notifyAllow: z
    .string()
    .max(4096)
    .refine((text) => parseAllowlist(text).ok, { error: (issue) => allowlistError(String(issue.input)) })
    .optional(),
  smtpHost: z.string().min(1).max(253).optional(),
  smtpPort: z.coerce.number().int().min(1).max(65_535).optional(),
  /** true: implicit TLS (465); false: STARTTLS when offered. */
  smtpSecure: z.stringbool().optional(),
  smtpUser: z.string().min(1).max(256).optional(),
  smtpPassword: z.string().max(1024).optional(),
  smtpFrom: z.string().min(3).max(320).optional(),
  // Incidents. Optional here, defaulted in config/incident-settings.ts.
  /** How often hub-side checks and incident timers run. */
  incidentSweepIntervalSec: z.coerce.number().min(0.01).max(3600).optional(),
  /** How long a host may stay unheard after its last frame before it is silent (default 3 heartbeats). */
  hostSilentGraceSec: z.coerce.number().min(0.01).max(86_400).optional(),
  /** Days security updates may stay pending (from the hub's first sight) before an N1 ticket (14). */
  securityUpdatesMaxAgeDays: z.coerce.number().min(0).max(3650).optional(),
  /** Incident settings as JSON, or `@file.json`: priority matrix, routing, windows, timeouts. */
  incidentRules: z
    .string()
    .max(65_536)
    .refine((text) => parseIncidentSettings(text).ok, {
      error: (issue) => incidentRulesError(String(issue.input)),
    })
    .optional(),
  /**
   * Policy overrides for agents, read from a JSON file (`--policy FILE`): intervals, watched
   * services, check rules. Holds the parsed overrides, not the path.
   */
  policy: z
    .string()
    .min(1)
    .max(4096)
    .transform((path, ctx) => {
      const read = readPolicyFile(path);
      if (read.ok) return read.overrides;
      ctx.addIssue({ code: 'custom', message: read.message });
      return z.NEVER;
    })
    .optional(),
  /** SLA targets per priority, warning ratio, stock escalation policies: JSON or `@file.json`. */
  slaRules: z
    .string()
    .max(65_536)
    .refine((text) => parseSlaSettings(text).ok, {
      error: (issue) => {
        const parsed = parseSlaSettings(String(issue.input));
        return parsed.ok ? 'invalid SLA rules' : parsed.message;
      },
    })
    .optional(),
  // Identity and limits. Optional here, defaulted in server.ts (90 days, 24 h, 50/s, 1 MiB/s, 16, 10/min).
  /** Days between automatic rotations of each agent's secret (0: only when an admin asks). */
  credentialRotationDays: z.coerce.number().min(0).max(3650).optional(),
  /** How long a rotated-out secret keeps working if the agent has not confirmed the new one. */
  credentialGraceHours: z.coerce
    .number()
    .min(0.0001)
    .max(24 * 365)
    .optional(),
  /** Sustained messages per second one agent may send (burst 4×); over it frames are delayed, then 4032. */
  agentRateLimit: z.coerce.number().min(1).max(100_000).optional(),
  /** Sustained bytes per second one agent may send (burst 8×, at least 2 MiB); same treatment. */
  agentByteRateLimit: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .optional(),
  /** Hellos with the bare secret, not a nonce proof: `allow` (default), `refuse`, or a date (0025). */
  legacyHello: z
    .string()
    .max(64)
    .refine((text) => parseLegacyHello(text).ok, {
      error: (issue) => {
        const parsed = parseLegacyHello(String(issue.input));
        return parsed.ok ? 'invalid legacy hello setting' : parsed.error;
      },
    })
    .optional(),
  /** Sockets still awaiting hello allowed per remote address (and 32× that overall). */
  maxHandshakesPerAddress: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Enrolment attempts per minute from one remote address. */
  enrolRateLimit: z.coerce.number().min(1).max(100_000).optional(),
  /**
   * Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDRs, comma-separated):
   * behind them the client address is the last untrusted hop. Default none: the TCP peer.
   */
  trustedProxies: z
    .string()
    .max(4096)
    .refine((text) => parseTrustedProxies(text).ok, {
      error: (issue) => {
        const parsed = parseTrustedProxies(String(issue.input));
        return parsed.ok ? 'invalid trusted proxies' : parsed.message;
      },
    })
    .optional(),
  /** Who may scrape /metrics without an admin token (addresses or CIDRs; default loopback). */
  metricsAllow: z
    .string()
    .max(4096)
    .refine((text) => parseTrustedProxies(text).ok, {
      error: (issue) => {
        const parsed = parseTrustedProxies(String(issue.input));
        return parsed.ok ? 'invalid metrics allowlist' : parsed.message;
      },
    })
    .optional(),
  // Connection bounds, defaulted in security/connection-guard.ts (10 s, 60 s, from `ulimit -n`).
  /** From accept to the end of the request headers (a socket that sends nothing is closed then too). */
  headersTimeoutSec: z.coerce.number().min(0.1).max(600).optional(),
  /** From accept to the end of the request body. */
  requestTimeoutSec: z.coerce.number().min(0.1).max(3600).optional(),
  /** Sockets open at once; over it the oldest that has not finished a request is dropped. */
  maxConnections: z.coerce.number().int().min(16).max(1_000_000).optional(),
  /** PEM certificate (chain) and key files: with both, the hub serves HTTPS and WSS. */
  tlsCert: z.string().min(1).max(4096).optional(),
  tlsKey: z.string().min(1).max(4096).optional(),
  /** The URL agents reach the hub at, for install scripts and commands (default: the request's origin). */
  publicUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  /** Directory of the agent artefacts served at /downloads (default: agent/dist-bundle of this checkout). */
  agentArtefactsDir: z.string().min(1).max(4096).optional(),
  /** ed25519 private key (PKCS#8 PEM) signing the artefacts; default beside the SQLite file, created 0600. */
  signingKey: z.string().min(1).max(4096).optional(),
  /** How long each resolution of the metrics is kept: `raw=2h,1m=2d,10m=60d,1h=2y` (retention/settings.ts). */
  retention: z
    .string()
    .max(1024)
    .refine((text) => parseRetentionSpec(text).ok, {
      error: (issue) => {
        const parsed = parseRetentionSpec(String(issue.input));
        return parsed.ok ? 'invalid retention' : parsed.error;
      },
    })
    .optional(),
});

function incidentRulesError(text: string): string {
  const parsed = parseIncidentSettings(text);
  return parsed.ok ? 'invalid incident rules' : parsed.message;
}

function allowlistError(text: string): string {
  const parsed = parseAllowlist(text);
  return parsed.ok ? 'invalid allowlist' : parsed.message;
}

export type HubConfig = Readonly<z.infer<typeof configSchema>>;
export type HubConfigInput = { [K in keyof HubConfig]?: string | number | undefined };

/** Environment variable for each setting; flags win over the environment, which wins over defaults. */
export const CONFIG_ENV: { readonly [K in keyof HubConfig]-?: string } = {
  host: 'VIGIE_HUB_HOST',
  port: 'VIGIE_HUB_PORT',
  db: 'VIGIE_HUB_DB',
  logLevel: 'VIGIE_LOG_LEVEL',
  heartbeatIntervalSec: 'VIGIE_HUB_HEARTBEAT_INTERVAL',
  helloTimeoutSec: 'VIGIE_HUB_HELLO_TIMEOUT',
  metricsIntervalSec: 'VIGIE_METRICS_INTERVAL',
  notifyIntervalSec: 'VIGIE_NOTIFY_INTERVAL',
  notifyMaxAttempts: 'VIGIE_NOTIFY_MAX_ATTEMPTS',
  notifyTimeoutSec: 'VIGIE_NOTIFY_TIMEOUT',
  notifyConcurrency: 'VIGIE_NOTIFY_CONCURRENCY',
  notifyBackoffSec: 'VIGIE_NOTIFY_BACKOFF',
  notifyAllow: 'VIGIE_NOTIFY_ALLOW',
  smtpHost: 'VIGIE_SMTP_HOST',
  smtpPort: 'VIGIE_SMTP_PORT',
  smtpSecure: 'VIGIE_SMTP_SECURE',
  smtpUser: 'VIGIE_SMTP_USER',
  smtpPassword: 'VIGIE_SMTP_PASSWORD',
  smtpFrom: 'VIGIE_SMTP_FROM',
  incidentSweepIntervalSec: 'VIGIE_INCIDENT_SWEEP_INTERVAL',
  hostSilentGraceSec: 'VIGIE_HOST_SILENT_GRACE',
  securityUpdatesMaxAgeDays: 'VIGIE_SECURITY_UPDATES_MAX_AGE_DAYS',
  incidentRules: 'VIGIE_INCIDENT_RULES',
  slaRules: 'VIGIE_SLA_RULES',
  policy: 'VIGIE_HUB_POLICY',
  credentialRotationDays: 'VIGIE_HUB_CREDENTIAL_ROTATION_DAYS',
  credentialGraceHours: 'VIGIE_HUB_CREDENTIAL_GRACE_HOURS',
  agentRateLimit: 'VIGIE_HUB_AGENT_RATE_LIMIT',
  agentByteRateLimit: 'VIGIE_HUB_AGENT_BYTE_RATE_LIMIT',
  legacyHello: 'VIGIE_HUB_LEGACY_HELLO',
  maxHandshakesPerAddress: 'VIGIE_HUB_MAX_HANDSHAKES_PER_ADDRESS',
  enrolRateLimit: 'VIGIE_HUB_ENROL_RATE_LIMIT',
  trustedProxies: 'VIGIE_HUB_TRUSTED_PROXIES',
  metricsAllow: 'VIGIE_HUB_METRICS_ALLOW',
  headersTimeoutSec: 'VIGIE_HUB_HEADERS_TIMEOUT',
  requestTimeoutSec: 'VIGIE_HUB_REQUEST_TIMEOUT',
  maxConnections: 'VIGIE_HUB_MAX_CONNECTIONS',
  tlsCert: 'VIGIE_HUB_TLS_CERT',
  tlsKey: 'VIGIE_HUB_TLS_KEY',
  publicUrl: 'VIGIE_HUB_PUBLIC_URL',
  agentArtefactsDir: 'VIGIE_AGENT_ARTEFACTS_DIR',
  signingKey: 'VIGIE_HUB_SIGNING_KEY',
  retention: 'VIGIE_RETENTION',
};

/** The CLI flag of a setting: `hostSilentGraceSec` is `--host-silent-grace`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/-sec$/, '')}`;
}

export type ConfigResult = { ok: true; config: HubConfig } | { ok: false; message: string };

/** Read the hub's configuration once, at startup, into a frozen object; errors name the setting. */
export function loadHubConfig(flags: HubConfigInput, env: NodeJS.ProcessEnv): ConfigResult {
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_ENV) as (keyof HubConfig)[]) {
    const value = flags[key] ?? env[CONFIG_ENV[key]];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '') as keyof HubConfig;
    const source = flags[key] !== undefined ? flagName(key) : (CONFIG_ENV[key] ?? key);
    // Names the flag (or variable), what it got and what it expects, in the CLI's language.
    const message = badValueMessage(
      cliLanguage(env),
      source,
      key === 'smtpPassword' ? '…' : merged[key],
      configSchema.shape[key],
      issue?.message ?? 'invalid value',
    );
    return { ok: false, message };
  }
  // The policy file's metrics interval counts unless a flag or the environment gave one.
  const fileInterval = parsed.data.policy?.metricsIntervalSec;
  if (merged.metricsIntervalSec === undefined && fileInterval !== undefined)
    return { ok: true, config: Object.freeze({ ...parsed.data, metricsIntervalSec: fileInterval }) };
  return { ok: true, config: Object.freeze(parsed.data) };
}
