import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENV, type HubConfig, loadHubConfig } from '../config/config.js';
import { SETTING_DEFAULTS } from '../config/defaults.js';
import { silenceSettings } from '../config/incident-settings.js';
import { HANDSHAKE_LIMIT_DEFAULTS } from '../ingest/handshake-admission.js';
import { SESSION_LIMIT_DEFAULTS } from '../ingest/session-flow.js';
import { DEFAULT_SECURITY_UPDATES_MAX_AGE_MS } from '../inventory/updates-sweep.js';
import { DEFAULT_METRICS_ALLOW } from '../metrics/routes.js';
import { notificationSettings } from '../notify/settings.js';
import { parseRetentionSpec, RETENTION_DEFAULTS } from '../retention/settings.js';
import { CONNECTION_TIMEOUT_DEFAULTS, defaultMaxConnections } from '../security/connection-guard.js';
import { signingKeyPath } from '../security/signing-key.js';
import { tableRows } from '../test-support/markdown-table.js';
import { COMMON, SETTING, START_OPTIONS } from './flags.js';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'configuration.md');
const HEADER = ['what', 'flag', 'environment', 'default'];

/** The backticked values of a cell. */
const quoted = (cell: string) => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1] ?? '');
const flagsOf = (cell: string) => [...cell.matchAll(/`--([a-z-]+)`/g)].map((m) => m[1] ?? '');

const base = (() => {
  const loaded = loadHubConfig({}, {});
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
})();
const notify = notificationSettings(base);
const smtp = notificationSettings({ ...base, smtpHost: 'mail.example' }).smtp;
const reserve =
  1000 -
  defaultMaxConnections(() => 'Max open files            1000                 1000                 files');
const withoutProc = defaultMaxConnections(() => {
  throw new Error('no /proc');
});

/**
 * For every setting, the values its default cell must show in backticks, taken from the code that
 * applies the default. An empty list: the default is not a value (a file, "none", the request's URL).
 */
const CODE_DEFAULTS: { readonly [K in keyof HubConfig]-?: readonly string[] } = {
  host: [base.host],
  port: [String(base.port)],
  db: [base.db],
  logLevel: [base.logLevel],
  heartbeatIntervalSec: [String(base.heartbeatIntervalSec)],
  helloTimeoutSec: [String(base.helloTimeoutSec)],
  metricsIntervalSec: [String(base.metricsIntervalSec)],
  notifyIntervalSec: [String(notify.worker.intervalMs / 1000)],
  notifyMaxAttempts: [String(notify.worker.maxAttempts)],
  notifyTimeoutSec: [String(notify.worker.timeoutMs / 1000)],
  notifyConcurrency: [String(notify.worker.concurrency)],
  notifyBackoffSec: [String(notify.worker.backoffBaseMs / 1000)],
  notifyAllow: [],
  smtpHost: [],
  smtpPort: [String(smtp?.port)],
  smtpSecure: [String(smtp?.secure)],
  smtpUser: [],
  smtpPassword: [],
  smtpFrom: [String(smtp?.from)],
  incidentSweepIntervalSec: [String(SETTING_DEFAULTS.incidentSweepIntervalSec)],
  hostSilentGraceSec: [String(silenceSettings(base).graceMs / 1000)],
  securityUpdatesMaxAgeDays: [String(DEFAULT_SECURITY_UPDATES_MAX_AGE_MS / 86_400_000)],
  incidentRules: [],
  slaRules: [],
  policy: [],
  credentialRotationDays: [String(SETTING_DEFAULTS.credentialRotationDays)],
  credentialGraceHours: [String(SETTING_DEFAULTS.credentialGraceHours)],
  agentRateLimit: [String(SESSION_LIMIT_DEFAULTS.messagesPerSec)],
  agentByteRateLimit: [String(SESSION_LIMIT_DEFAULTS.bytesPerSec)],
  legacyHello: [SETTING_DEFAULTS.legacyHello],
  maxHandshakesPerAddress: [String(HANDSHAKE_LIMIT_DEFAULTS.perAddress)],
  enrolRateLimit: [String(SETTING_DEFAULTS.enrolRateLimit)],
  trustedProxies: [],
  metricsAllow: [DEFAULT_METRICS_ALLOW],
  headersTimeoutSec: [String(CONNECTION_TIMEOUT_DEFAULTS.headersTimeoutMs / 1000)],
  requestTimeoutSec: [String(CONNECTION_TIMEOUT_DEFAULTS.requestTimeoutMs / 1000)],
  maxConnections: [String(reserve), String(withoutProc)],
  tlsCert: [],
  tlsKey: [],
  publicUrl: [],
  agentArtefactsDir: [],
  signingKey: [basename(signingKeyPath({ db: '/srv/vigie/hub.db' }) ?? '')],
  retention: [], // compared below, as a parsed spec
};

const rows = tableRows(readFileSync(DOC, 'utf8'), HEADER);
const byEnv = new Map(rows.map((row) => [quoted(row[2] ?? '')[0], row]));

describe('docs/configuration.md, hub table', () => {
  it('has the table', () => {
    expect(rows.length).toBeGreaterThan(10);
  });

  it('lists exactly the flags vigie-hub start takes', () => {
    const documented = rows.flatMap((row) => flagsOf(row[1] ?? '')).sort();
    expect(documented).toEqual(Object.keys({ ...COMMON, ...START_OPTIONS }).sort());
  });

  it('lists exactly the environment variables the hub reads', () => {
    const documented = rows.flatMap((row) => quoted(row[2] ?? '')).sort();
    expect(documented).toEqual(Object.values(CONFIG_ENV).sort());
  });

  describe.each(Object.keys(CONFIG_ENV) as (keyof HubConfig)[])('%s', (key) => {
    const row = byEnv.get(CONFIG_ENV[key]);

    it('names the flag that feeds it, or none', () => {
      const flag = Object.entries(SETTING).find(([, setting]) => setting === key)?.[0];
      expect(flagsOf(row?.[1] ?? '')).toEqual(flag === undefined ? [] : [flag]);
    });

    it('states the default the code applies', () => {
      const shown = quoted(row?.[3] ?? '');
      for (const value of CODE_DEFAULTS[key]) expect(shown).toContain(value);
    });
  });

  it('states the retention the code keeps by default', () => {
    const spec = quoted(byEnv.get(CONFIG_ENV.retention)?.[3] ?? '')[0] ?? '';
    // An empty spec would parse as the defaults: the cell must spell each tier out.
    expect(spec.split(',')).toHaveLength(1 + RETENTION_DEFAULTS.tiers.length);
    const parsed = parseRetentionSpec(spec);
    expect(parsed.ok && { rawMs: parsed.value.rawMs, tiers: parsed.value.tiers }).toEqual({
      rawMs: RETENTION_DEFAULTS.rawMs,
      tiers: RETENTION_DEFAULTS.tiers,
    });
  });
});
