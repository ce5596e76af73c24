import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClamavHeader } from './clamav.js';
import { collectAntivirus } from './collect.js';
import { decodeProductState, parseSecurityCenter } from './security-center.js';

const fixture = (name: string) => readFileSync(new URL(`__fixtures__/${name}`, import.meta.url), 'latin1');

describe('decodeProductState', () => {
  it.each([
    [401664, { state: 'snoozed', microsoft: true, upToDate: true }],
    [397568, { state: 'on', microsoft: true, upToDate: true }],
    [393472, { state: 'off', microsoft: true, upToDate: true }],
    [266240, { state: 'on', microsoft: false, upToDate: true }],
    [393488, { state: 'off', microsoft: true, upToDate: false }],
  ])('%i', (value, expected) => {
    expect(decodeProductState(value)).toEqual(expected);
  });
});

describe('parseSecurityCenter', () => {
  it('lists each product with its decoded state and timestamp', () => {
    expect(parseSecurityCenter(fixture('security-center-list.txt'))).toEqual([
      {
        product: 'Windows Defender',
        state: 'snoozed',
        enabled: false,
        signaturesUpToDate: true,
        updatedAt: Date.parse('Mon, 02 May 2022 10:15:00 GMT'),
      },
      {
        product: 'Example Antivirus',
        state: 'on',
        enabled: true,
        signaturesUpToDate: true,
        updatedAt: Date.parse('Tue, 03 May 2022 08:00:00 GMT'),
      },
      { product: 'Old Antivirus', state: 'off', enabled: false, signaturesUpToDate: false },
    ]);
  });
});

describe('parseClamavHeader', () => {
  it('reads the signature version and build time from the database header', () => {
    expect(parseClamavHeader(fixture('clamav-daily-header.bin').slice(0, 512))).toEqual({
      product: 'ClamAV',
      enabled: true,
      signaturesVersion: 27214,
      signaturesAt: 1_710_404_640_000,
    });
  });

  it('gives nothing for a file that is not a ClamAV database', () => {
    expect(parseClamavHeader('PK\u0003\u0004')).toBeUndefined();
  });
});

describe('collectAntivirus', () => {
  it('reads only the header of the daily database', async () => {
    const asked: (number | undefined)[] = [];
    const facts = await collectAntivirus({
      platform: 'linux',
      io: {
        exists: async () => true,
        mtime: async () => undefined,
        exec: async () => ({ ok: false, reason: 'missing', message: '' }),
        readFile: async (path, maxBytes) => {
          asked.push(maxBytes);
          return path.endsWith('.cvd')
            ? readFileSync(new URL('__fixtures__/clamav-daily-header.bin', import.meta.url))
            : undefined;
        },
      },
    });
    expect(facts).toMatchObject({ product: 'ClamAV', signaturesVersion: 27214 });
    expect(asked).toEqual([512, 512]);
  });
});
