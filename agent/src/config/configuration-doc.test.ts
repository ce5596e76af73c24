import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../cli/cli.js';
import { BACKOFF_DEFAULTS } from '../transport/backoff.js';
import { UPDATE_DEFAULTS } from '../update/update-runtime.js';
import {
  type AgentConfig,
  CONFIG_ENV,
  CONFIG_FLAGS,
  CONFIG_KEYS,
  type ConfigKey,
  DEFAULT_CONFIG_FILE,
  loadConfig,
} from './config.js';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'configuration.md');
const SETTINGS_HEADER = ['what', 'flag', 'environment', 'config file key', 'default'];
const COMMAND_FLAGS_HEADER = ['flag', 'commands', 'what'];

/** The rows of the table whose header is exactly `header`, as cells. */
function tableRows(markdown: string, header: readonly string[]): string[][] {
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((cell) => cell.trim());
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|') && cells(line).join('|') === header.join('|'));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

const quoted = (cell: string) => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1] ?? '');
const flagsOf = (cell: string) => [...cell.matchAll(/`(--[a-z-]+)`/g)].map((m) => m[1] ?? '');

async function defaults(isRoot: boolean): Promise<AgentConfig> {
  const loaded = await loadConfig({
    flags: {},
    env: {},
    readFile: async () => undefined,
    isRoot,
    homeDir: '/home/someone',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}
const user = await defaults(false);
const root = await defaults(true);

/**
 * For every setting, the values its default cell must show in backticks, taken from the code that
 * applies the default. An empty list: the default is not a value (the enrolled URL, the policy's).
 */
const CODE_DEFAULTS: Readonly<Record<ConfigKey, readonly string[]>> = {
  hubUrl: [],
  stateDir: [root.stateDir, user.stateDir.replace('/home/someone', '~')],
  logLevel: [user.logLevel],
  role: [],
  heartbeatIntervalSec: [String(user.heartbeatIntervalSec)],
  metricsIntervalSec: [],
  spoolMaxBytes: [String(user.spoolMaxBytes)],
  spoolMaxAgeSec: [String(user.spoolMaxAgeSec)],
  drainRatePerSec: [String(user.drainRatePerSec)],
  caFile: [],
  insecureAllowPlaintext: [String(user.insecureAllowPlaintext)],
  updateDelaySec: [String(UPDATE_DEFAULTS.delaySec)],
  updateProbationSec: [String(UPDATE_DEFAULTS.probationSec)],
  reconnectMaxDelaySec: [String(BACKOFF_DEFAULTS.recentCapMs / 1000)],
  allowRemediation: [],
};

const markdown = readFileSync(DOC, 'utf8');
const settings = tableRows(markdown, SETTINGS_HEADER);
const commandFlags = tableRows(markdown, COMMAND_FLAGS_HEADER);
/** Every flag some command takes. */
const takenFlags = new Set(
  Object.values(OPTIONS).flatMap((options) => Object.keys(options).map((f) => `--${f}`)),
);

describe('docs/configuration.md, agent tables', () => {
  it('has both tables', () => {
    expect(settings.length).toBeGreaterThan(5);
    expect(commandFlags.length).toBeGreaterThan(3);
  });

  it('lists exactly the flags the commands take', () => {
    const documented = new Set([
      ...settings.flatMap((row) => flagsOf(row[1] ?? '')),
      ...commandFlags.flatMap((row) => flagsOf(row[0] ?? '')),
    ]);
    expect([...documented].sort()).toEqual([...takenFlags].sort());
  });

  it('lists exactly the config file keys the agent reads', () => {
    const documented = settings.flatMap((row) => quoted(row[3] ?? ''));
    expect(documented.sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('documents the config file with its variable and default path', () => {
    const row = settings.find((cells) => flagsOf(cells[1] ?? '').includes('--config'));
    expect(quoted(row?.[2] ?? '')).toEqual([CONFIG_ENV.configFile]);
    expect(quoted(row?.[4] ?? '')).toContain(DEFAULT_CONFIG_FILE);
  });

  describe.each(CONFIG_KEYS)('%s', (key) => {
    const row = settings.find((cells) => quoted(cells[3] ?? '').includes(key));

    it('names its variable, and its flag where a command takes it', () => {
      expect(quoted(row?.[2] ?? '')).toEqual([CONFIG_ENV[key]]);
      const flag = CONFIG_FLAGS[key];
      expect(flagsOf(row?.[1] ?? '')).toEqual(takenFlags.has(flag) ? [flag] : []);
    });

    it('states the default the code applies', () => {
      const shown = quoted(row?.[4] ?? '');
      for (const value of CODE_DEFAULTS[key]) expect(shown).toContain(value);
    });
  });
});
