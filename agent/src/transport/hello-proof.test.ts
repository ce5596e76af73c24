import { type Hello, helloProofPayload } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import type { Log } from '../logger.js';
import { createHelloChooser, proveHello, signHelloProof } from './hello-proof.js';

// Fixed vector shared with hub/src/security/hello-key.test.ts: the hub verifies exactly this.
const SECRET = `vgs_${'A'.repeat(43)}`;
const SIGNATURE = '9DZVOSd5eo59K7OtGr5E1jmBwmjtpKNVnJQdhnZACo9X5ZK14_hcjQK40iwCJdXJyqMUT-JiYJ_PQD11cpQADg';
const NONCE = 'N'.repeat(43);

const hello: Hello = {
  type: 'hello',
  protocolVersion: 1,
  credential: { agentId: 'agt_vector01', secret: SECRET },
  fingerprint: 'fp-vector-0000000001',
  agentVersion: '0.1.0-test',
  hostname: 'srv-test-01',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0', arch: 'x64' },
  bootId: 'boot_vector1',
};
const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };

describe('hello proof', () => {
  it('signs what the hub verifies (the shared vector)', () => {
    const payload = helloProofPayload({
      nonce: NONCE,
      agentId: 'agt_vector01',
      bootId: 'boot_vector1',
      fingerprint: 'fp-vector-0000000001',
      protocolVersion: 1,
    });
    expect(signHelloProof(SECRET, payload)).toBe(SIGNATURE);
  });

  it('leaves the secret out of a proved hello', () => {
    const proved = proveHello(hello, NONCE);
    expect(proved.credential).toEqual({ agentId: 'agt_vector01' });
    expect(proved.proof).toEqual({ scheme: 'ed25519-nonce-1', signature: SIGNATURE });
    expect(JSON.stringify(proved)).not.toContain(SECRET);
  });

  it('proves whenever the hub offers a nonce; the secret goes only to a hub that offers none', () => {
    const chooser = createHelloChooser(silent);
    expect(chooser.choose(hello, NONCE).proof).toBeDefined();
    expect(chooser.choose(hello, undefined)).toBe(hello);
    expect(chooser.choose(hello, 'not-a-nonce')).toBe(hello);
  });

  it('sends the secret once after the hub said it has no key yet (4014), then proves again', () => {
    const chooser = createHelloChooser(silent);
    chooser.keyMissing();
    expect(chooser.choose(hello, NONCE)).toBe(hello);
    expect(chooser.choose(hello, NONCE).proof).toBeDefined();
  });
});
