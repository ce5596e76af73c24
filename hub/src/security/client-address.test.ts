import { describe, expect, it } from 'vitest';
import { clientAddressResolver, parseTrustedProxies } from './client-address.js';

function proxies(text: string) {
  const parsed = parseTrustedProxies(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.proxies;
}

const request = (peer: string, forwarded?: string) => ({
  socket: { remoteAddress: peer },
  headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
});

describe('client address', () => {
  describe('without trusted proxies', () => {
    it('is the TCP peer, whatever X-Forwarded-For says', () => {
      const of = clientAddressResolver();
      expect(of(request('203.0.113.7', '10.1.1.1'))).toBe('203.0.113.7');
      expect(of(request('::ffff:127.0.0.9'))).toBe('127.0.0.9');
      expect(of(undefined)).toBe('unknown');
    });
  });

  describe('behind trusted proxies', () => {
    const of = clientAddressResolver(proxies('10.0.0.0/8, 192.168.1.10'));

    it('is the last untrusted hop of X-Forwarded-For', () => {
      expect(of(request('10.0.0.2', '198.51.100.4'))).toBe('198.51.100.4');
      // The client forged a first hop; the proxies appended the real one and their own.
      expect(of(request('10.0.0.2', '1.2.3.4, 198.51.100.4, 192.168.1.10'))).toBe('198.51.100.4');
    });

    it('is the peer when the peer is not a trusted proxy, or the header is missing or malformed', () => {
      expect(of(request('203.0.113.7', '198.51.100.4'))).toBe('203.0.113.7');
      expect(of(request('10.0.0.2'))).toBe('10.0.0.2');
      expect(of(request('10.0.0.2', 'not-an-address'))).toBe('10.0.0.2');
    });

    it('is the leftmost hop when every hop is a trusted proxy', () => {
      expect(of(request('10.0.0.2', '10.0.0.3, 10.0.0.4'))).toBe('10.0.0.3');
    });
  });

  it('refuses entries that are not addresses or CIDRs', () => {
    expect(parseTrustedProxies('10.0.0.0/33').ok).toBe(false);
    expect(parseTrustedProxies('proxy.lan').ok).toBe(false);
    expect(parseTrustedProxies('fd00::/8, 127.0.0.1').ok).toBe(true);
    expect(parseTrustedProxies('').ok).toBe(true);
  });
});
