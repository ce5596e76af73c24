import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../policy/policy.js';
import { resolvePolicy } from '../policy/resolve.js';
import { decodeAgentMessage, decodeHubMessage } from '../protocol/codec.js';

const remediate = {
  type: 'remediate',
  attemptId: 'rmd_abcdefgh-1',
  check: 'service.down',
  resource: 'nginx',
  action: 'restart-service',
  params: {},
  attempt: 1,
  maxAttempts: 2,
  windowSec: 3600,
};

describe('N0 remediation in the protocol', () => {
  it('decodes remediate and remediationResult, and refuses an action outside the catalogue', () => {
    expect(decodeHubMessage(JSON.stringify(remediate)).ok).toBe(true);
    expect(decodeHubMessage(JSON.stringify({ ...remediate, action: 'run-script' })).ok).toBe(false);
    // A parameter the catalogue does not know (a command line) is refused, not ignored.
    expect(decodeHubMessage(JSON.stringify({ ...remediate, params: { command: 'rm -rf /' } })).ok).toBe(
      false,
    );
    const result = {
      type: 'remediationResult',
      bootId: 'boot_0001',
      seq: 3,
      at: 1,
      attemptId: 'rmd_abcdefgh-1',
      check: 'service.down',
      resource: 'nginx',
      action: 'restart-service',
      outcome: 'refused',
      reason: 'not-allowed',
    };
    expect(decodeAgentMessage(JSON.stringify(result)).ok).toBe(true);
    expect(decodeAgentMessage(JSON.stringify({ ...result, reason: 'because' })).ok).toBe(false);
  });
});

describe('remediation in policy layers', () => {
  const layer = (scope: 'global' | 'client' | 'host', settings: object) => ({
    scope,
    target: scope === 'global' ? '' : 'x',
    settings,
  });

  it('merges key by key over the layers, fills the defaults and says which layer set it', () => {
    const effective = resolvePolicy(
      DEFAULT_POLICY,
      [
        layer('client', { remediation: { 'service.down': { attempts: 3 } } }),
        layer('global', { remediation: { 'service.down': { action: 'restart-service' } } }),
      ],
      4,
    );
    expect(effective.remediation).toEqual({
      'service.down': {
        action: 'restart-service',
        attempts: 3,
        windowSec: 3600,
        verifySec: 120,
        inMaintenance: false,
      },
    });
    expect(effective.sources['/remediation/service.down/attempts']).toBe('client:x');
    expect(effective.sources['/remediation/service.down/action']).toBe('global');
    // Agents never receive it.
    expect(effective.policy).not.toHaveProperty('remediation');
  });

  it('removes a remediation with null, and reports one that cannot work instead of applying it', () => {
    const removed = resolvePolicy(
      DEFAULT_POLICY,
      [
        layer('global', { remediation: { 'service.down': { action: 'restart-service' } } }),
        layer('host', { remediation: { 'service.down': null } }),
      ],
      1,
    );
    expect(removed.remediation).toEqual({});
    const broken = resolvePolicy(
      DEFAULT_POLICY,
      [
        layer('global', {
          remediation: {
            'fs.usage': { action: 'clean-folder' },
            'service.down': { action: 'clean-folder', folder: '/tmp' },
          },
        }),
      ],
      1,
    );
    expect(broken.remediation).toEqual({});
    expect(broken.problems.map((p) => p.kind)).toEqual(['remediation:fs.usage', 'remediation:service.down']);
  });
});
