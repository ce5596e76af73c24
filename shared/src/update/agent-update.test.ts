import { describe, expect, it } from 'vitest';
import type { PolicyLayerSettings } from '../policy/layer.js';
import { DEFAULT_POLICY } from '../policy/policy.js';
import { type PolicyLayer, resolvePolicy } from '../policy/resolve.js';
import { welcomeSchema } from '../protocol/hub/welcome.js';
import { agentUpdateSchema, artefactSignedText } from './agent-update.js';

const artefact = {
  name: 'vigie-agent.mjs',
  kind: 'script',
  platform: 'any',
  arch: 'any',
  url: '/downloads/vigie-agent.mjs',
  size: 1234,
  sha256: 'a'.repeat(64),
  signature: 'b'.repeat(86),
};

describe('agent update announcement', () => {
  it('accepts a welcome without one (older hubs)', () => {
    const welcome = {
      type: 'welcome',
      protocolVersion: 1,
      hostId: 'hst_1',
      serverTime: 1,
      ackedSeq: 0,
      policy: {
        revision: 0,
        metricsIntervalSec: 10,
        processesIntervalSec: 60,
        inventoryCron: '17 3 * * *',
        services: [],
      },
    };
    expect(welcomeSchema.safeParse(welcome).success).toBe(true);
    expect(
      welcomeSchema.safeParse({ ...welcome, agentUpdate: { version: '0.2.0', artefacts: [artefact] } })
        .success,
    ).toBe(true);
  });

  it('refuses a download URL on another host, a bad version and an oversized artefact', () => {
    const bad = [
      { version: '0.2.0', artefacts: [{ ...artefact, url: 'https://evil.example/vigie-agent.mjs' }] },
      { version: '0.2.0', artefacts: [{ ...artefact, url: '/downloads/../etc/passwd' }] },
      { version: '0.2', artefacts: [artefact] },
      { version: '0.2.0\nname=x', artefacts: [artefact] },
      { version: '0.2.0', artefacts: [{ ...artefact, size: 1024 ** 3 }] },
      { version: '0.2.0', artefacts: [{ ...artefact, signature: 'short' }] },
    ];
    for (const announcement of bad) expect(agentUpdateSchema.safeParse(announcement).success).toBe(false);
  });

  it('signs name, version, size and hash, one per line', () => {
    expect(artefactSignedText({ name: 'vigie-agent.mjs', version: '0.2.0', size: 10, sha256: 'ab' })).toBe(
      'vigie-agent-artefact/1\nname=vigie-agent.mjs\nversion=0.2.0\nsize=10\nsha256=ab\n',
    );
  });
});

describe('autoUpdate in policy layers', () => {
  const layer = (
    scope: PolicyLayer['scope'],
    target: string,
    settings: PolicyLayerSettings,
  ): PolicyLayer => ({
    scope,
    target,
    settings,
  });

  it('is off unless a layer turns it on, and the narrowest layer wins', () => {
    expect(resolvePolicy(DEFAULT_POLICY, [], 1).policy.autoUpdate).toBeUndefined();
    const layers = [
      layer('global', '', { autoUpdate: true }),
      layer('role', 'server', { autoUpdate: false }),
    ];
    const resolved = resolvePolicy(DEFAULT_POLICY, layers, 2);
    expect(resolved.policy.autoUpdate).toBe(false);
    expect(resolved.sources['/autoUpdate']).toBe('role:server');
    expect(resolvePolicy({ ...DEFAULT_POLICY, autoUpdate: true }, [], 3).policy.autoUpdate).toBe(true);
  });
});
