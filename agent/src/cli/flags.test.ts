import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../logger.js';
import { cli, OPTIONS } from './cli.js';
import type { CliContext } from './context.js';

const missing = join('/nonexistent', 'vigie-flags');
const unused = () => {
  throw new Error('a bad flag must stop the command before it does anything');
};

/** One bad value per flag (`--x=…` rows are the whole argument); a new flag without a row fails. */
const BAD: Readonly<Record<string, string>> = {
  hub: 'ftp://hub.example',
  token: 'short',
  role: 'boss',
  'state-dir': '',
  config: join(missing, 'agent.json'),
  ca: join(missing, 'ca.pem'),
  'insecure-allow-plaintext': '--insecure-allow-plaintext=yes',
  force: '--force=yes',
  'log-level': 'loud',
  'heartbeat-interval': 'abc',
  'metrics-interval': '0',
  'spool-max-bytes': '1',
  'spool-max-age': '1h',
  'drain-rate': 'fast',
  'reconnect-max-delay': '9999',
  'allow-remediation': 'reboot-machine',
  json: '--json=yes',
  root: '',
  artefact: join(missing, 'vigie-agent.mjs'),
  purge: '--purge=yes',
};

async function run(argv: string[], env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const context: CliContext = {
    io: {
      stdout: (text) => {
        out.stdout += text;
      },
      stderr: (text) => {
        out.stderr += text;
      },
      env,
      isRoot: false,
      homeDir: missing,
      readConfigFile: async () => undefined,
      clock: () => 0,
      random: () => 0,
      onStopSignal: () => () => {},
      logger: () => SILENT_LOG,
    },
    wiring: { sampler: unused, inventory: unused, fingerprint: unused, hostInfo: unused },
  };
  return { code: await cli(argv, context), ...out };
}

const rows = Object.entries(OPTIONS).flatMap(([command, options]) =>
  Object.keys(options)
    .filter((flag) => flag !== 'help')
    .map((flag) => [command, flag] as const),
);

describe('vigie-agent flags', () => {
  it('has a bad-value row for every flag of every command', () => {
    expect(rows.map(([, flag]) => flag).filter((flag) => !(flag in BAD))).toEqual([]);
  });

  it.each(rows)('%s refuses a bad --%s with exit 64, naming the flag', async (command, flag) => {
    const bad = BAD[flag] ?? '';
    const result = await run([command, ...(bad.startsWith('--') ? [bad] : [`--${flag}`, bad])]);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(new RegExp(`--${flag}\\b`));
  });

  it('says what it got and what it expects, in French unless the locale is English', async () => {
    const fr = await run(['run', '--heartbeat-interval', 'abc']);
    expect(fr.stderr).toContain("--heartbeat-interval : « abc » n'est pas un nombre entier entre 1 et 600");
    const en = await run(['run', '--heartbeat-interval', 'abc'], { LANG: 'en_US.UTF-8' });
    expect(en.stderr).toContain("--heartbeat-interval: 'abc' is not a whole number from 1 to 600");
    const token = await run(['enroll', '--hub', 'https://hub.example', '--token', 'secret-ish']);
    expect(token.stderr).not.toContain('secret-ish');
  });
});
