import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMON, parseStart, START_OPTIONS, UsageError } from './flags.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-hub-flags-'));
const db = join(dir, 'hub.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const missing = join(dir, 'missing');

/** One bad value for every flag of `vigie-hub start`; a new flag without a row fails the test. */
const BAD: Readonly<Record<string, string>> = {
  db: join(missing, 'hub.db'),
  create: '--create=yes',
  'log-level': 'loud',
  quiet: '--quiet=yes',
  host: '',
  port: 'abc',
  'heartbeat-interval': '0',
  'hello-timeout': 'soon',
  'metrics-interval': '1.5',
  'incident-sweep-interval': '0',
  'host-silent-grace': 'x',
  policy: join(missing, 'policy.json'),
  'incident-rules': join(missing, 'rules.json'),
  'sla-rules': join(missing, 'sla.json'),
  'tls-cert': join(missing, 'cert.pem'),
  'tls-key': join(missing, 'key.pem'),
  'public-url': 'ftp://hub.example',
  'agent-artefacts': missing,
  'signing-key': join(missing, 'key.pem'),
  retention: 'forever',
  'legacy-hello': 'sometimes',
  'trusted-proxies': 'the-proxy',
  'metrics-allow': 'not-an-address',
  'headers-timeout': '1e9',
  'request-timeout': 'NaN',
  'max-connections': '3',
};

function failure(args: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseStart(args, env);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${args.join(' ')}`);
}

describe('vigie-hub start flags', () => {
  const flags = Object.keys({ ...COMMON, ...START_OPTIONS }).filter((flag) => flag !== 'help');

  it('has a bad-value row for every flag', () => {
    expect(Object.keys(BAD).sort()).toEqual(flags.sort());
  });

  it.each(flags)('refuses a bad --%s with a usage error naming the flag', (flag) => {
    const bad = BAD[flag] ?? '';
    const args = bad.startsWith('--') ? [bad] : [`--${flag}`, bad, ...(flag === 'db' ? [] : ['--db', db])];
    expect(failure(args)).toMatch(new RegExp(`^--${flag}\\b`));
  });

  it('says what it got and what it expects, in French unless the locale is English', () => {
    expect(failure(['--port', 'abc'])).toBe("--port : « abc » n'est pas un nombre entier entre 0 et 65535");
    expect(failure(['--port', 'abc'], { LANG: 'en_US.UTF-8' })).toBe(
      "--port: 'abc' is not a whole number from 0 to 65535",
    );
    expect(failure(['--port', '80', '--db', db], { VIGIE_HUB_MAX_CONNECTIONS: 'lots' })).toMatch(
      /^VIGIE_HUB_MAX_CONNECTIONS : « lots » n'est pas un nombre entier entre 16 et 1000000$/,
    );
  });

  it('refuses --db in a directory that does not exist, unless --create', () => {
    expect(failure(['--db', join(missing, 'hub.db')])).toMatch(
      /n'existe pas\); ajoutez --create pour le créer$/,
    );
    expect(parseStart(['--db', join(missing, 'hub.db'), '--create'], {})?.db).toBe(join(missing, 'hub.db'));
    expect(parseStart(['--db', db], {})?.db).toBe(db);
    expect(parseStart([], {})?.db).toBe('./var/vigie-hub.db');
    expect(parseStart(['--db', 'postgres://vigie@db.example/vigie'], {})?.db).toMatch(/^postgres:/);
  });
});
