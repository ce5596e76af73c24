import { describe, expect, it } from 'vitest';
import { decodeAgentMessage, decodeHubMessage } from '../codec.js';
import { allowEntrySchema, createAllowList, probeTargets, refusedTargets } from './allow.js';
import { type ProbeSpec, probeSpecSchema } from './spec.js';

const spec = (input: Record<string, unknown>): ProbeSpec =>
  probeSpecSchema.parse({ id: 'prb_1', intervalSec: 30, timeoutMs: 1000, ...input });

describe('site allowlist', () => {
  const allow = createAllowList(['10.1.0.0/16', '192.168.5.7', 'fd00::/8', 'nas.lan', '*.corp.example']);

  it('lets addresses inside a CIDR or equal to an address entry through', () => {
    expect(allow.allows('10.1.200.3')).toBe(true);
    expect(allow.allows('192.168.5.7')).toBe(true);
    expect(allow.allows('fd12::1')).toBe(true);
  });

  it('refuses addresses outside every network, loopback included', () => {
    expect(allow.allows('10.2.0.1')).toBe(false);
    expect(allow.allows('192.168.5.8')).toBe(false);
    expect(allow.allows('127.0.0.1')).toBe(false);
    expect(allow.allows('2001:db8::1')).toBe(false);
  });

  it('matches names exactly or below a wildcard domain, case-insensitively, never the domain itself', () => {
    expect(allow.allows('NAS.lan')).toBe(true);
    expect(allow.allows('nas.lan.')).toBe(true);
    expect(allow.allows('fw.corp.example')).toBe(true);
    expect(allow.allows('a.b.corp.example')).toBe(true);
    expect(allow.allows('corp.example')).toBe(false);
    expect(allow.allows('evilcorp.example')).toBe(false);
    expect(allow.allows('nas.lan.evil.example')).toBe(false);
  });

  it('never resolves a name to match it against networks', () => {
    expect(createAllowList(['127.0.0.0/8']).allows('localhost')).toBe(false);
  });

  it('accepts CIDRs, addresses, names and wildcards, and refuses anything else', () => {
    for (const entry of ['10.0.0.0/8', '::1', 'fd00::/8', 'printer-2.site.lan', '*.lan'])
      expect(allowEntrySchema.safeParse(entry).success, entry).toBe(true);
    for (const entry of ['10.0.0.0/33', '10.0.0.0/x', '*', '*.', 'a b', '-rf', '10.0.0.0/8/8', ''])
      expect(allowEntrySchema.safeParse(entry).success, entry).toBe(false);
  });

  it('names the targets of each kind of probe, and which of them it refuses', () => {
    const local = createAllowList(['127.0.0.1/32']);
    expect(probeTargets(spec({ kind: 'http', url: 'https://[fd00::5]:8443/health' }))).toEqual(['fd00::5']);
    expect(probeTargets(spec({ kind: 'dns', query: 'intranet.lan' }))).toEqual([]);
    expect(
      refusedTargets(local, spec({ kind: 'dns', query: 'intranet.lan', server: { host: '10.0.0.53' } })),
    ).toEqual(['10.0.0.53']);
    expect(refusedTargets(local, spec({ kind: 'tcp', host: '127.0.0.1', port: 22 }))).toEqual([]);
    expect(refusedTargets(local, spec({ kind: 'ping', host: 'fw.lan' }))).toEqual(['fw.lan']);
  });
});

describe('probe specs', () => {
  it('fills the defaults agents rely on', () => {
    expect(spec({ kind: 'ping', host: '10.0.0.1' })).toMatchObject({ count: 3, fallbackPort: 443 });
    expect(spec({ kind: 'tls', host: 'fw.lan' })).toMatchObject({ port: 443 });
    expect(spec({ kind: 'http', url: 'http://10.0.0.1/' })).toMatchObject({
      expectStatus: [],
      tlsVerify: true,
    });
  });

  it('refuses hosts that could pass as options or carry credentials', () => {
    const bad = [
      { kind: 'ping', host: '-f' },
      { kind: 'tcp', host: 'a b', port: 1 },
      { kind: 'tcp', host: '10.0.0.1', port: 70_000 },
      { kind: 'http', url: 'ftp://10.0.0.1/' },
      { kind: 'http', url: 'http://user:pw@10.0.0.1/' },
      { kind: 'dns', query: 'x.lan', server: { host: 'dns.lan' } },
    ];
    for (const input of bad)
      expect(
        probeSpecSchema.safeParse({ id: 'p', intervalSec: 1, timeoutMs: 100, ...input }).success,
        JSON.stringify(input),
      ).toBe(false);
  });
});

describe('probe messages on the wire', () => {
  it('decodes a probes assignment and a probe result', () => {
    const probes = decodeHubMessage(
      JSON.stringify({
        type: 'probes',
        allow: ['127.0.0.1/32'],
        probes: [{ id: 'prb_1', kind: 'tcp', host: '127.0.0.1', port: 22, intervalSec: 5, timeoutMs: 500 }],
      }),
    );
    expect(probes.ok).toBe(true);
    const result = decodeAgentMessage(
      JSON.stringify({
        type: 'probeResult',
        bootId: 'boot_0001',
        seq: 1,
        probeId: 'prb_1',
        at: 1,
        outcome: 'fail',
        method: 'tcp',
        latencyMs: null,
        lossPct: 100,
        error: 'ECONNREFUSED',
      }),
    );
    expect(result.ok).toBe(true);
  });

  it('refuses a result with an unbounded error or an unknown outcome', () => {
    const base = { type: 'probeResult', bootId: 'boot_0001', seq: 1, probeId: 'p', at: 1, method: 'tcp' };
    expect(decodeAgentMessage(JSON.stringify({ ...base, outcome: 'meh', latencyMs: 1, lossPct: 0 })).ok).toBe(
      false,
    );
    expect(
      decodeAgentMessage(
        JSON.stringify({ ...base, outcome: 'fail', latencyMs: null, lossPct: 100, error: 'x'.repeat(65) }),
      ).ok,
    ).toBe(false);
  });

  it('keeps the hello of an agent that announces no capability valid', () => {
    const hello = {
      type: 'hello',
      protocolVersion: 1,
      credential: { agentId: 'agt_12345678', secret: 's'.repeat(32) },
      fingerprint: 'f'.repeat(32),
      agentVersion: '0.1.0',
      hostname: 'srv',
      os: { platform: 'linux', distro: '', release: '', kernel: '', arch: 'x64' },
      bootId: 'boot_0001',
    };
    expect(decodeAgentMessage(JSON.stringify(hello)).ok).toBe(true);
    expect(decodeAgentMessage(JSON.stringify({ ...hello, capabilities: ['probes'] })).ok).toBe(true);
  });
});
