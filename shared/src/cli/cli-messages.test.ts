import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { badValueMessage, cliLanguage, expectedOf, parseArgsMessage } from './cli-messages.js';

describe('CLI messages', () => {
  it('speaks French unless the locale starts with en (LC_ALL, then LC_MESSAGES, then LANG)', () => {
    expect(cliLanguage({})).toBe('fr');
    expect(cliLanguage({ LANG: 'fr_FR.UTF-8' })).toBe('fr');
    expect(cliLanguage({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(cliLanguage({ LC_ALL: 'fr_FR', LANG: 'en_US' })).toBe('fr');
    expect(cliLanguage({ LC_ALL: 'C', LANG: 'en_US' })).toBe('fr');
    expect(cliLanguage({ LC_ALL: '', LC_MESSAGES: 'en_GB', LANG: 'fr_FR' })).toBe('en');
  });

  it('says what a number or enum schema expects, through defaults, optionals and coercion', () => {
    const port = z.coerce.number().int().min(0).max(65_535).default(8420);
    expect(badValueMessage('fr', '--port', 'abc', port, 'x')).toBe(
      "--port : « abc » n'est pas un nombre entier entre 0 et 65535",
    );
    expect(badValueMessage('en', '--port', 'abc', port, 'x')).toBe(
      "--port: 'abc' is not a whole number from 0 to 65535",
    );
    expect(expectedOf(z.coerce.number().int().min(16).optional(), 'fr')).toBe(
      "un nombre entier d'au moins 16",
    );
    expect(expectedOf(z.enum(['a', 'b']).optional(), 'en')).toBe('one of a, b');
    expect(
      badValueMessage(
        'fr',
        '--x',
        'y',
        z.string().refine(() => false),
        'bad spec',
      ),
    ).toBe("--x : « y » n'est pas valide (bad spec)");
    expect(badValueMessage('fr', '--x', '', z.string(), 'x')).toBe('--x : valeur vide');
  });

  it('names the option of a parseArgs error', () => {
    const fail = (args: string[]) => {
      try {
        parseArgs({ args, options: { port: { type: 'string' }, force: { type: 'boolean' } }, strict: true });
      } catch (error) {
        return parseArgsMessage(error, 'fr');
      }
    };
    expect(fail(['--nope'])).toBe('option inconnue --nope');
    expect(fail(['--port'])).toBe('--port : valeur manquante');
    expect(fail(['--force=yes'])).toBe('--force ne prend pas de valeur');
    expect(parseArgsMessage(new Error('other'), 'fr')).toBeUndefined();
  });
});
