import { describe, expect, it } from 'vitest';
import { createTargetGuard, embeddedIpv4, type LookupAll, parseAllowlist } from './target-guard.js';

const names: Record<string, { address: string; family: number }[]> = {
  'intranet.example': [{ address: '192.168.1.20', family: 4 }],
  'mixed.example': [
    { address: '203.0.113.10', family: 4 },
    { address: '10.0.0.5', family: 4 },
  ],
  'hooks.example': [{ address: '93.184.216.34', family: 4 }],
  'v6.example': [{ address: 'fd00::1', family: 6 }],
};
const lookup: LookupAll = async (hostname) => {
  const found = names[hostname];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

describe('target guard', () => {
  const guard = createTargetGuard({ lookup });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://[::1]/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:a9fe:a9fe]/hook',
    'http://[64:ff9b::a00:1]/hook',
    'http://[fe80::1]/hook',
    'http://[fd12:3456::1]/hook',
    'http://100.64.0.1/hook',
    'http://172.20.0.1/hook',
    'http://0.0.0.0/hook',
    'http://224.0.0.1/hook',
    'http://2130706433/hook',
    'http://intranet.example/hook',
    'http://mixed.example/hook',
    'http://v6.example/hook',
  ])('refuses %s', async (url) => {
    const result = await guard.check(url);
    expect(result).toMatchObject({ ok: false, code: 'TARGET_FORBIDDEN' });
  });

  it('allows a public address and pins the connection to it', async () => {
    const result = await guard.check('https://hooks.example/services/x');
    expect(result).toMatchObject({ ok: true, target: { address: '93.184.216.34', family: 4 } });
    expect(await guard.check('http://203.0.113.7/')).toMatchObject({ ok: true });
    expect(await guard.check('http://[2001:db8::1]/')).toMatchObject({ ok: true });
  });

  it('allows allowlisted addresses, CIDRs and host names', async () => {
    const allowing = createTargetGuard({ lookup, allow: '127.0.0.1, 10.0.0.0/8,intranet.example' });
    expect(await allowing.check('http://127.0.0.1:9000/')).toMatchObject({ ok: true });
    expect(await allowing.check('http://[::ffff:127.0.0.1]:9000/')).toMatchObject({ ok: true });
    expect(await allowing.check('http://10.1.2.3/')).toMatchObject({ ok: true });
    expect(await allowing.check('http://mixed.example/')).toMatchObject({ ok: true });
    expect(await allowing.check('http://intranet.example/')).toMatchObject({
      ok: true,
      target: { address: '192.168.1.20' },
    });
    expect(await allowing.check('http://127.0.0.2/')).toMatchObject({ ok: false, code: 'TARGET_FORBIDDEN' });
  });

  it('says why when the URL is not usable', async () => {
    expect(await guard.check('ftp://hooks.example/')).toMatchObject({ ok: false, code: 'TARGET_INVALID' });
    expect(await guard.check('not a url')).toMatchObject({ ok: false, code: 'TARGET_INVALID' });
    expect(await guard.check('http://nowhere.example/')).toMatchObject({
      ok: false,
      code: 'TARGET_UNRESOLVED',
    });
  });
});

describe('allowlist and address helpers', () => {
  it('rejects entries that are not hosts, addresses or CIDRs', () => {
    expect(parseAllowlist('10.0.0.0/33')).toMatchObject({ ok: false });
    expect(parseAllowlist('http://x')).toMatchObject({ ok: false });
    expect(parseAllowlist(' ,127.0.0.1,::1/128, hooks.local ')).toMatchObject({ ok: true });
  });

  it('finds the IPv4 address inside mapped, NAT64 and 6to4 forms', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('2002:c0a8:101::1')).toBe('192.168.1.1');
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined();
  });
});
