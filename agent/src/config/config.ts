// long-file: one table of every agent setting (FIELDS), its sources and its merge, kept together
import { join, resolve } from 'node:path';
import {
  badValueMessage,
  type CliLanguage,
  cliLanguage,
  cliTexts,
  HOST_ROLES,
  type HostRole,
  plainBoolean,
  plainInteger,
  plainNumber,
  plainOneOf,
  plainString,
} from '@vigie/shared';
import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from '../logger.js';
import { allowListSpec, type RemediationAllowList } from '../remediation/allow-list.js';
import { isHubUrl } from '../transport/hub-url.js';

/** The agent's settings after merging every source; frozen, passed down, never global. */
export interface AgentConfig {
  /** Overrides the hub URL saved at enrolment (the hub moved); the default URL for `enroll`. */
  readonly hubUrl?: string;
  readonly stateDir: string;
  readonly logLevel: LogLevel;
  readonly role?: HostRole;
  readonly heartbeatIntervalSec: number;
  /** Development/test override of the policy's fast-cycle interval; unset in production. */
  readonly metricsIntervalSec?: number;
  /** Bound of the on-disk spool (bytes): past ¾ of it the oldest samples go, past it events too. */
  readonly spoolMaxBytes: number;
  /** Unsent samples older than this are dropped (with a gap record the hub keeps). */
  readonly spoolMaxAgeSec: number;
  /** Backlog metrics messages per second after an outage (events and live samples are not paced). */
  readonly drainRatePerSec: number;
  /** Extra CA certificate (PEM file) trusted for an https:// hub, e.g. a private CA or self-signed hub. */
  readonly caFile?: string;
  /** Allow http:// to a hub that is not on loopback (credentials then travel unencrypted). */
  readonly insecureAllowPlaintext: boolean;
  /** Longest random wait before downloading an announced update (default 600; decision 0017). */
  readonly updateDelaySec?: number;
  /** How long a new version has to reach the hub before it is rolled back (default 600). */
  readonly updateProbationSec?: number;
  /** Longest wait between reconnects while the hub was reachable lately (default 20; 0023). */
  readonly reconnectMaxDelaySec?: number;
  /** N0 actions this machine's admin allowed (`--allow-remediation`; 0029). Absent: none. */
  readonly remediation?: RemediationAllowList;
  /** The config file that was read, if any. */
  readonly configFile?: string;
}

export const SPOOL_CONFIG_DEFAULTS = {
  spoolMaxBytes: 64 * 1024 * 1024,
  spoolMaxAgeSec: 7 * 86_400,
  drainRatePerSec: 2,
} as const;

const FIELDS = {
  hubUrl: {
    env: 'VIGIE_HUB_URL',
    flag: '--hub',
    schema: z.string().refine(isHubUrl, 'must be an absolute http:// or https:// URL'),
    plain: (value: unknown) => typeof value === 'string' && isHubUrl(value),
  },
  stateDir: {
    env: 'VIGIE_STATE_DIR',
    flag: '--state-dir',
    schema: z.string().min(1, 'must not be empty'),
    plain: plainString(1, Number.MAX_SAFE_INTEGER),
  },
  logLevel: {
    env: 'VIGIE_LOG_LEVEL',
    flag: '--log-level',
    schema: z.enum(LOG_LEVELS),
    plain: plainOneOf(LOG_LEVELS),
  },
  role: { env: 'VIGIE_ROLE', flag: '--role', schema: z.enum(HOST_ROLES), plain: plainOneOf(HOST_ROLES) },
  heartbeatIntervalSec: {
    env: 'VIGIE_AGENT_HEARTBEAT_INTERVAL',
    flag: '--heartbeat-interval',
    schema: z.number().int().min(1).max(600),
    plain: plainInteger(1, 600),
  },
  // AGENT_ prefix: the hub reads VIGIE_METRICS_INTERVAL for its policy, and `npm start` runs both
  // from one shell; the agent overriding the policy by accident would ignore later policy changes.
  metricsIntervalSec: {
    env: 'VIGIE_AGENT_METRICS_INTERVAL',
    flag: '--metrics-interval',
    schema: z.number().int().min(1).max(3600),
    plain: plainInteger(1, 3600),
  },
  spoolMaxBytes: {
    env: 'VIGIE_AGENT_SPOOL_MAX_BYTES',
    flag: '--spool-max-bytes',
    schema: z
      .number()
      .int()
      .min(64 * 1024)
      .max(16 * 1024 ** 3),
    plain: plainInteger(64 * 1024, 16 * 1024 ** 3),
  },
  spoolMaxAgeSec: {
    env: 'VIGIE_AGENT_SPOOL_MAX_AGE',
    flag: '--spool-max-age',
    schema: z
      .number()
      .int()
      .min(60)
      .max(366 * 86_400),
    plain: plainInteger(60, 366 * 86_400),
  },
  drainRatePerSec: {
    env: 'VIGIE_AGENT_DRAIN_RATE',
    flag: '--drain-rate',
    schema: z.number().min(0.1).max(1000),
    plain: plainNumber(0.1, 1000),
  },
  caFile: {
    env: 'VIGIE_CA_FILE',
    flag: '--ca',
    schema: z.string().min(1, 'must not be empty'),
    plain: plainString(1, Number.MAX_SAFE_INTEGER),
  },
  insecureAllowPlaintext: {
    env: 'VIGIE_INSECURE_ALLOW_PLAINTEXT',
    flag: '--insecure-allow-plaintext',
    schema: z.boolean(),
    plain: plainBoolean,
  },
  updateDelaySec: {
    env: 'VIGIE_AGENT_UPDATE_DELAY',
    flag: '--update-delay',
    schema: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400),
    plain: plainInteger(0, 7 * 86_400),
  },
  updateProbationSec: {
    env: 'VIGIE_AGENT_UPDATE_PROBATION',
    flag: '--update-probation',
    schema: z.number().int().min(1).max(86_400),
    plain: plainInteger(1, 86_400),
  },
  reconnectMaxDelaySec: {
    env: 'VIGIE_AGENT_RECONNECT_MAX_DELAY',
    flag: '--reconnect-max-delay',
    schema: z.number().min(0.1).max(300),
    plain: plainNumber(0.1, 300),
  },
  allowRemediation: {
    env: 'VIGIE_AGENT_ALLOW_REMEDIATION',
    flag: '--allow-remediation',
    schema: allowListSpec,
    // A transform: its output is not its input, so zod always decides (only when the flag is set).
    plain: undefined,
  },
} as const;

export type ConfigKey = keyof typeof FIELDS;

/** A setting's zod schema, the schema of record. */
export function fieldSchema(key: ConfigKey): z.ZodType {
  return FIELDS[key].schema;
}

/**
 * A setting's value through its schema; a value its hand-written twin (`plain`) knows the schema
 * accepts as it is skips zod (decision 0039: the bundle then never loads zod to start). That it
 * answers as the schema whatever the value is config-plain.property.test.ts.
 */
export function parseField(
  key: ConfigKey,
  value: unknown,
): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  const field: { plain?: (value: unknown) => boolean } = FIELDS[key];
  if (field.plain?.(value)) return { success: true, data: value };
  return FIELDS[key].schema.safeParse(value);
}

/** The message for a bad value of a flag that feeds a setting (`--role boss`); undefined if fine or no setting. */
export function flagValueProblem(flag: string, value: string, env: ConfigSources['env']): string | undefined {
  const key = (Object.keys(FIELDS) as ConfigKey[]).find((k) => FIELDS[k].flag === flag);
  if (key === undefined) return undefined;
  const parsed = parseField(key, fromString(key, value));
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]?.message ?? 'invalid';
  return badValueMessage(cliLanguage(env), flag, value, FIELDS[key].schema, issue);
}
export const CONFIG_KEYS = Object.keys(FIELDS) as ConfigKey[];
/** Each setting's flag (when a command takes it) and the environment variables the agent reads. */
export const CONFIG_FLAGS = mapFields((field) => field.flag);
export const CONFIG_ENV = { configFile: 'VIGIE_CONFIG', ...mapFields((field) => field.env) } as const;

function mapFields<T>(fn: (field: (typeof FIELDS)[ConfigKey]) => T): Record<ConfigKey, T> {
  return Object.fromEntries(CONFIG_KEYS.map((key) => [key, fn(FIELDS[key])])) as Record<ConfigKey, T>;
}

export const DEFAULT_CONFIG_FILE = '/etc/vigie/agent.json';

/** CLI flags as parsed strings, keyed like the config; `configFile` is `--config`. */
export type ConfigFlags = Partial<Record<ConfigKey | 'configFile', string>>;

export interface ConfigSources {
  readonly flags: ConfigFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** File contents, or undefined when the file does not exist. */
  readonly readFile: (path: string) => Promise<string | undefined>;
  readonly isRoot: boolean;
  readonly homeDir: string;
  readonly defaultConfigFile?: string;
}

/** Where a bad value came from: the CLI treats a bad flag as a usage error, the rest as configuration. */
export type ConfigErrorSource = 'file' | 'environment' | 'flag';
export interface ConfigError {
  readonly source: ConfigErrorSource;
  readonly message: string;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: AgentConfig }
  | { readonly ok: false; readonly errors: ConfigError[] };

type Raw = Partial<Record<ConfigKey, unknown>>;
type Values = Partial<{ [K in ConfigKey]: z.output<(typeof FIELDS)[K]['schema']> }>;

const NUMERIC_KEYS: readonly ConfigKey[] = [
  'heartbeatIntervalSec',
  'metricsIntervalSec',
  'spoolMaxBytes',
  'spoolMaxAgeSec',
  'drainRatePerSec',
  'updateDelaySec',
  'updateProbationSec',
  'reconnectMaxDelaySec',
];

// Environment and flags are strings; integers are converted before validation so the error
// message stays the schema's ("expected number") instead of a silent NaN.
function fromString(key: ConfigKey, raw: string): unknown {
  if (NUMERIC_KEYS.includes(key)) return /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : raw;
  if (key === 'insecureAllowPlaintext')
    return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  return raw;
}

function validate(
  values: Raw,
  source: ConfigErrorSource,
  label: (key: ConfigKey) => string,
  errors: ConfigError[],
  language: CliLanguage,
): Values {
  const valid: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    if (values[key] === undefined) continue;
    const parsed = parseField(key, values[key]);
    if (parsed.success) valid[key] = parsed.data;
    else {
      const issue = parsed.error.issues[0]?.message ?? 'invalid';
      errors.push({
        source,
        message: badValueMessage(language, label(key), values[key], FIELDS[key].schema, issue),
      });
    }
  }
  // Each key was parsed by its own schema just above, which is what Values says.
  return valid as Values;
}

async function fromFile(path: string, explicit: boolean, sources: ConfigSources, errors: ConfigError[]) {
  const language = cliLanguage(sources.env);
  const fail = (message: string) =>
    errors.push({ source: 'file', message: `config file ${path}: ${message}` });
  let text: string | undefined;
  try {
    text = await sources.readFile(path);
  } catch (cause) {
    fail(`cannot read (${(cause as Error).message})`);
    return undefined;
  }
  if (text === undefined) {
    // A --config that names no file is a bad flag value (64), not a configuration to fix (78).
    if (sources.flags.configFile !== undefined) {
      const texts = cliTexts(language);
      errors.push({ source: 'flag', message: texts.bad('--config', path, texts.existingFile) });
    } else if (explicit) fail('not found');
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    fail(`not valid JSON (${(cause as Error).message})`);
    return {};
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail('must be a JSON object');
    return {};
  }
  for (const key of Object.keys(json)) {
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      fail(`unknown key "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  return validate(json as Raw, 'file', (key) => `config file ${path}: key "${key}"`, errors, language);
}

function defaultStateDir(sources: ConfigSources): string {
  if (sources.isRoot) return '/var/lib/vigie-agent';
  const stateHome = sources.env.XDG_STATE_HOME || join(sources.homeDir, '.local', 'state');
  return join(stateHome, 'vigie-agent');
}

/**
 * Merges defaults < config file < environment < CLI flags and validates each source on its own,
 * so every error names where the bad value came from. Never throws.
 */
export async function loadConfig(sources: ConfigSources): Promise<ConfigResult> {
  const errors: ConfigError[] = [];
  const explicitFile = sources.flags.configFile ?? sources.env[CONFIG_ENV.configFile];
  const configFile = explicitFile ?? sources.defaultConfigFile ?? DEFAULT_CONFIG_FILE;
  const file = await fromFile(configFile, explicitFile !== undefined, sources, errors);

  const envValues: Raw = {};
  const flagValues: Raw = {};
  for (const key of CONFIG_KEYS) {
    const envRaw = sources.env[FIELDS[key].env];
    if (envRaw !== undefined && envRaw !== '') envValues[key] = fromString(key, envRaw);
    const flagRaw = sources.flags[key];
    if (flagRaw !== undefined) flagValues[key] = fromString(key, flagRaw);
  }
  const language = cliLanguage(sources.env);
  const env = validate(envValues, 'environment', (key) => FIELDS[key].env, errors, language);
  const flags = validate(flagValues, 'flag', (key) => FIELDS[key].flag, errors, language);
  if (errors.length > 0) return { ok: false, errors };

  const merged: Values = { ...file, ...env, ...flags };
  const config: AgentConfig = {
    stateDir: resolve(merged.stateDir ?? defaultStateDir(sources)),
    logLevel: merged.logLevel ?? 'info',
    heartbeatIntervalSec: merged.heartbeatIntervalSec ?? 30,
    spoolMaxBytes: merged.spoolMaxBytes ?? SPOOL_CONFIG_DEFAULTS.spoolMaxBytes,
    spoolMaxAgeSec: merged.spoolMaxAgeSec ?? SPOOL_CONFIG_DEFAULTS.spoolMaxAgeSec,
    drainRatePerSec: merged.drainRatePerSec ?? SPOOL_CONFIG_DEFAULTS.drainRatePerSec,
    insecureAllowPlaintext: merged.insecureAllowPlaintext ?? false,
    ...(merged.caFile !== undefined && { caFile: resolve(merged.caFile) }),
    ...(merged.hubUrl !== undefined && { hubUrl: merged.hubUrl }),
    ...(merged.role !== undefined && { role: merged.role }),
    ...(merged.metricsIntervalSec !== undefined && { metricsIntervalSec: merged.metricsIntervalSec }),
    ...(merged.updateDelaySec !== undefined && { updateDelaySec: merged.updateDelaySec }),
    ...(merged.updateProbationSec !== undefined && { updateProbationSec: merged.updateProbationSec }),
    ...(merged.reconnectMaxDelaySec !== undefined && { reconnectMaxDelaySec: merged.reconnectMaxDelaySec }),
    ...(merged.allowRemediation !== undefined && { remediation: merged.allowRemediation }),
    ...(file !== undefined && { configFile }),
  };
  return { ok: true, config: Object.freeze(config) };
}
