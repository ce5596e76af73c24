import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CliLanguage, cliLanguage, cliTexts, parseArgsMessage } from '@vigie/shared';
import { CONFIG_ENV, DEFAULT_HUB_DB, type HubConfig, loadHubConfig } from '../config/config.js';
import { engineOfUrl } from '../db/dialect.js';

/** A bad flag, variable or argument: the CLI prints the message (no stack) and exits 64. */
export class UsageError extends Error {}

/** Flags every command takes. */
export const COMMON = {
  db: { type: 'string' },
  create: { type: 'boolean' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Flags of `vigie-hub start` besides COMMON. */
export const START_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'heartbeat-interval': { type: 'string' },
  'hello-timeout': { type: 'string' },
  'metrics-interval': { type: 'string' },
  'incident-sweep-interval': { type: 'string' },
  'host-silent-grace': { type: 'string' },
  policy: { type: 'string' },
  'incident-rules': { type: 'string' },
  'sla-rules': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'public-url': { type: 'string' },
  'agent-artefacts': { type: 'string' },
  'signing-key': { type: 'string' },
  retention: { type: 'string' },
  'legacy-hello': { type: 'string' },
  'trusted-proxies': { type: 'string' },
  'metrics-allow': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
} as const;

/** The setting each flag feeds; the flags naming a rules file pass it on as `@file`. */
export const SETTING: Readonly<Record<string, keyof HubConfig>> = {
  host: 'host',
  port: 'port',
  db: 'db',
  'log-level': 'logLevel',
  'heartbeat-interval': 'heartbeatIntervalSec',
  'hello-timeout': 'helloTimeoutSec',
  'metrics-interval': 'metricsIntervalSec',
  'incident-sweep-interval': 'incidentSweepIntervalSec',
  'host-silent-grace': 'hostSilentGraceSec',
  policy: 'policy',
  'incident-rules': 'incidentRules',
  'sla-rules': 'slaRules',
  'tls-cert': 'tlsCert',
  'tls-key': 'tlsKey',
  'public-url': 'publicUrl',
  'agent-artefacts': 'agentArtefactsDir',
  'signing-key': 'signingKey',
  retention: 'retention',
  'legacy-hello': 'legacyHello',
  'trusted-proxies': 'trustedProxies',
  'metrics-allow': 'metricsAllow',
  'headers-timeout': 'headersTimeoutSec',
  'request-timeout': 'requestTimeoutSec',
  'max-connections': 'maxConnections',
};
const AT_FILE = new Set(['incident-rules', 'sla-rules']);
/** Paths that must exist when given: a file, a directory, or (created on first use) its directory. */
const PATHS: Readonly<Record<string, 'file' | 'dir' | 'parent'>> = {
  'tls-cert': 'file',
  'tls-key': 'file',
  'agent-artefacts': 'dir',
  'signing-key': 'parent',
};

/** A parseArgs error as a usage error naming the option. */
export function usageOfParseError(error: unknown, env: NodeJS.ProcessEnv = process.env): UsageError {
  const message = parseArgsMessage(error, cliLanguage(env));
  return new UsageError(message ?? (error instanceof Error ? error.message : String(error)));
}

type Flags = Record<string, string | boolean | undefined>;

function checkPath(flag: string, path: string, kind: 'file' | 'dir' | 'parent', lang: CliLanguage): void {
  const texts = cliTexts(lang);
  const target = kind === 'parent' ? dirname(resolve(path)) : path;
  const stat = existsSync(target) ? statSync(target) : undefined;
  if (kind === 'file' && !stat?.isFile()) throw new UsageError(texts.bad(flag, path, texts.existingFile));
  if (kind !== 'file' && !stat?.isDirectory())
    throw new UsageError(texts.invalid(flag, path, texts.missingDir(target)));
}

/**
 * The SQLite file must be in a directory that exists, unless --create or the default path: a typo
 * in --db must not start an empty hub with a new admin. A missing file in an existing directory is
 * a first start and is created.
 */
function checkDatabasePath(cfg: HubConfig, flags: Flags, env: NodeJS.ProcessEnv, lang: CliLanguage): void {
  if (flags.create === true || cfg.db === DEFAULT_HUB_DB || cfg.db === ':memory:') return;
  if (engineOfUrl(cfg.db) === 'postgres') return;
  const dir = dirname(resolve(cfg.db));
  if (existsSync(dir) && statSync(dir).isDirectory()) return;
  const source = typeof flags.db === 'string' ? '--db' : env[CONFIG_ENV.db] ? CONFIG_ENV.db : '--db';
  const texts = cliTexts(lang);
  const hint = lang === 'fr' ? 'ajoutez --create pour le créer' : 'add --create to create it';
  throw new UsageError(`${texts.invalid(source, cfg.db, texts.missingDir(dir))}; ${hint}`);
}

/** The hub's configuration from parsed flags and the environment; a bad value is a UsageError. */
export function configFromFlags(flags: Flags, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const lang = cliLanguage(env);
  const input: Record<string, string> = {};
  for (const [flag, value] of Object.entries(flags)) {
    if (typeof value !== 'string') continue;
    if (value === '') throw new UsageError(cliTexts(lang).empty(`--${flag}`));
    const kind = PATHS[flag];
    if (kind) checkPath(`--${flag}`, value, kind, lang);
    const setting = SETTING[flag];
    if (setting) input[setting] = AT_FILE.has(flag) ? `@${value}` : value;
  }
  const result = loadHubConfig(input, env);
  if (!result.ok) throw new UsageError(result.message);
  checkDatabasePath(result.config, flags, env, lang);
  return result.config;
}

/** `vigie-hub start`'s arguments to its configuration (undefined: --help was asked). */
export function parseStart(args: string[], env: NodeJS.ProcessEnv = process.env): HubConfig | undefined {
  try {
    const options = { ...COMMON, ...START_OPTIONS };
    const { values } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return values.help ? undefined : configFromFlags(values, env);
  } catch (error) {
    throw error instanceof UsageError ? error : usageOfParseError(error, env);
  }
}
