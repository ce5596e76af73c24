import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from './apk.js';
import { parseDpkgPackages, parseDpkgStatus } from './dpkg.js';
import { parseFlatpakList } from './flatpak.js';
import { parseMacApplications } from './macos-applications.js';
import { boundSoftware } from './records.js';
import { parseRpmQuery, splitVersionRelease } from './rpm.js';
import { parseSnapList } from './snap.js';
import { decodeRegExport, parseRegistryUninstall } from './windows-registry.js';

const bytes = (name: string) => readFileSync(new URL(`__fixtures__/${name}`, import.meta.url));
const fixture = (name: string) => bytes(name).toString('utf8');

describe('parseDpkgStatus', () => {
  it('lists installed and held packages, not removed ones, ignoring description continuations', () => {
    expect(parseDpkgStatus(fixture('dpkg-status.txt'))).toEqual([
      {
        name: 'vigie-tools',
        version: '1.2.3-1',
        publisher: 'Vigie Packagers <packagers@vigie.example>',
        source: 'dpkg',
      },
      {
        name: 'libexample1',
        version: '2:4.5.6+dfsg-2+deb12u1',
        publisher: 'Example Team <team@example.org>',
        source: 'dpkg',
      },
      {
        name: 'held-package',
        version: '3.0',
        publisher: 'Some "Quoted" Maintainer <q@example.org>',
        source: 'dpkg',
      },
    ]);
  });

  it('names the file list of Multi-Arch: same packages with their architecture', () => {
    expect(parseDpkgPackages(fixture('dpkg-status.txt')).map((p) => p.listFile)).toEqual([
      '/var/lib/dpkg/info/vigie-tools.list',
      '/var/lib/dpkg/info/libexample1:amd64.list',
      '/var/lib/dpkg/info/held-package.list',
    ]);
  });

  it('reads CRLF line endings', () => {
    expect(parseDpkgStatus(fixture('dpkg-status-crlf.txt'))).toEqual([
      { name: 'crlf-package', version: '1.0', source: 'dpkg' },
    ]);
  });
});

describe('parseRpmQuery', () => {
  const list = parseRpmQuery(fixture('rpm-query.tsv'));

  it('joins epoch, version and release, and turns install seconds into milliseconds', () => {
    expect(list.find((s) => s.name === 'openssl-libs')).toEqual({
      name: 'openssl-libs',
      version: '1:3.0.7-27.el9',
      publisher: 'Example Linux',
      installedAt: 1_700_000_100_000,
      source: 'rpm',
    });
    expect(list.find((s) => s.name === 'bash')?.version).toBe('5.1.8-9.el9');
  });

  it('leaves out gpg-pubkey pseudo-packages and (none) vendors', () => {
    expect(list.map((s) => s.name)).not.toContain('gpg-pubkey');
    expect(list.find((s) => s.name === 'python3-dateutil')).not.toHaveProperty('publisher');
    expect(list.find((s) => s.name === 'perl-Text-Tabs+Wrap')?.version).toBe('2013.0523-460.el9');
  });

  it('splits version-release on the last dash', () => {
    expect(splitVersionRelease('1.0~rc1-pre-2.fc39')).toEqual({ version: '1.0~rc1-pre', release: '2.fc39' });
    expect(splitVersionRelease('1.0')).toEqual({ version: '1.0', release: '' });
    expect(list.find((s) => s.name === 'weird-version')?.publisher).toBe('Vendor With Spaces (and parens)');
  });
});

describe('parseApkInstalled', () => {
  it('reads P/V/m per record and ignores the repeated file keys', () => {
    expect(parseApkInstalled(fixture('apk-installed.txt'))).toEqual([
      { name: 'musl', version: '1.2.4-r2', publisher: 'Timo Teräs <timo.teras@iki.fi>', source: 'apk' },
      {
        name: 'busybox',
        version: '1.36.1-r5',
        publisher: 'Sören Tempel <soeren+alpine@soeren-tempel.net>',
        source: 'apk',
      },
      { name: 'ca-certificates-bundle', version: '20230506-r0', source: 'apk' },
    ]);
  });
});

describe('parseSnapList', () => {
  it('skips the header and disabled revisions and trims verified marks', () => {
    const list = parseSnapList(fixture('snap-list.txt'));
    expect(list.map((s) => s.name)).toEqual(['core22', 'firefox', 'lxd', 'snapd', 'code']);
    expect(list.map((s) => s.publisher)).toEqual([
      'canonical',
      'mozilla',
      'canonical',
      'canonical',
      'vscode',
    ]);
    expect(list[1]).toEqual({ name: 'firefox', version: '120.0.1-1', publisher: 'mozilla', source: 'snap' });
  });
});

describe('parseFlatpakList', () => {
  it('keeps one entry per branch and installation, falling back to the branch for a version', () => {
    const expected = [
      { name: 'Example Viewer', version: '2.4.1', source: 'flatpak' },
      { name: 'Example Viewer', version: '2.5.0', source: 'flatpak' },
      { name: 'Freedesktop Platform', version: '23.08', source: 'flatpak' },
    ];
    expect(parseFlatpakList(fixture('flatpak-list.tsv'))).toEqual(expected);
    expect(parseFlatpakList(fixture('flatpak-list-header.tsv'))).toEqual(expected);
  });
});

describe('parseRegistryUninstall', () => {
  const text = decodeRegExport(bytes('uninstall-export.reg'));

  it('decodes a UTF-16LE export with a BOM and CRLF', () => {
    expect(text.startsWith('Windows Registry Editor Version 5.00\r\n')).toBe(true);
  });

  it('lists products of the 64-bit, 32-bit and per-user views, skipping hotfixes and components', () => {
    expect(parseRegistryUninstall(text)).toEqual([
      {
        name: 'Example Office "Pro" 2021',
        version: '16.0.1234.1000',
        publisher: 'Example Software Corp.',
        installedAt: Date.UTC(2024, 0, 15),
        source: 'registry',
      },
      {
        name: 'КриптоПро CSP',
        version: '5.0.12000',
        publisher: 'Компания КРИПТО-ПРО',
        installedAt: Date.UTC(2023, 11, 1),
        source: 'registry',
      },
      { name: '7-Zip 23.01', version: '23.01', publisher: 'Igor Pavlov', source: 'registry-wow64' },
      {
        name: 'Example Chat',
        version: '3.2.1',
        publisher: 'Example Chat Inc',
        installedAt: Date.UTC(2024, 2, 1),
        source: 'registry-user',
      },
    ]);
  });

  it('reads a UTF-8 export the same way', () => {
    const utf8 = new TextEncoder().encode(text);
    expect(parseRegistryUninstall(decodeRegExport(utf8))).toHaveLength(4);
  });
});

describe('parseMacApplications', () => {
  it('reads name, version, publisher from the source or signer, and the modification time', () => {
    expect(parseMacApplications(fixture('system-profiler-applications.json'))).toEqual([
      {
        name: 'Safari',
        version: '17.3.1',
        publisher: 'Apple',
        installedAt: Date.parse('2024-03-01T08:15:00Z'),
        source: 'applications',
      },
      {
        name: 'Example Browser',
        version: '121.0.6167.184',
        publisher: 'Example Corp LLC',
        installedAt: Date.parse('2024-02-11T10:00:00Z'),
        source: 'applications',
      },
      {
        name: 'Programme d’installation',
        version: '',
        publisher: 'Apple',
        installedAt: Date.parse('2023-12-24T23:59:59Z'),
        source: 'applications',
      },
      { name: 'Unsigned Helper', version: '0.1', source: 'applications' },
    ]);
  });

  it('gives nothing for output that is not the expected JSON', () => {
    expect(parseMacApplications('No new software available.')).toEqual([]);
    expect(parseMacApplications('{"SPApplicationsDataType": 3}')).toEqual([]);
  });
});

describe('boundSoftware', () => {
  it('keeps hostile but bounded strings verbatim and leaves out what the wire refuses', () => {
    const hostile = {
      name: '<script>alert("x")</script>\n\u0007',
      version: "1'; DROP TABLE x;--",
      source: 'dpkg',
    };
    const tooLong = { name: 'x'.repeat(16_384), version: '1', source: 'dpkg' };
    const result = boundSoftware([hostile, tooLong, { name: 'a', version: '1', source: 'dpkg' }], 1);
    expect(result).toEqual({ items: [hostile], invalid: 1, overflow: 1 });
  });
});
