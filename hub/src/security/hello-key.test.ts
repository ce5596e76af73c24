import { describe, expect, it } from 'vitest';
import { createHelloNonce, helloProofValid, helloPublicKey } from './hello-key.js';

// Fixed vector shared with agent/src/transport/hello-proof.test.ts: the agent signs exactly this.
const SECRET = `vgs_${'A'.repeat(43)}`;
const PUBLIC_KEY = 'CdmcQ8gZToJLLvS85s8K16HdST9MjE9L8LjBR9iDW-8';
const SIGNATURE = '9DZVOSd5eo59K7OtGr5E1jmBwmjtpKNVnJQdhnZACo9X5ZK14_hcjQK40iwCJdXJyqMUT-JiYJ_PQD11cpQADg';
const INPUT = {
  nonce: 'N'.repeat(43),
  agentId: 'agt_vector01',
  bootId: 'boot_vector1',
  fingerprint: 'fp-vector-0000000001',
  protocolVersion: 1,
};

describe('hello key', () => {
  it('derives the public key the agent signs with from the secret alone', () => {
    expect(helloPublicKey(SECRET)).toBe(PUBLIC_KEY);
    expect(helloPublicKey(`${SECRET}B`)).not.toBe(PUBLIC_KEY);
  });

  it("accepts the agent's signature over this socket's nonce, agent, boot, fingerprint and version", () => {
    expect(helloProofValid(PUBLIC_KEY, SIGNATURE, INPUT)).toBe(true);
  });

  describe('refuses the same signature when anything it covers differs', () => {
    it.each([
      ['another nonce (a replay on a new socket)', { nonce: 'M'.repeat(43) }],
      ['another agent', { agentId: 'agt_vector02' }],
      ['another boot', { bootId: 'boot_vector2' }],
      ['another machine', { fingerprint: 'fp-vector-0000000002' }],
      ['another protocol version', { protocolVersion: 2 }],
    ])('%s', (_what, change) => {
      expect(helloProofValid(PUBLIC_KEY, SIGNATURE, { ...INPUT, ...change })).toBe(false);
    });
  });

  it('refuses another key, and malformed keys or signatures without throwing', () => {
    expect(helloProofValid(helloPublicKey(`${SECRET}B`), SIGNATURE, INPUT)).toBe(false);
    expect(helloProofValid('short', SIGNATURE, INPUT)).toBe(false);
    expect(helloProofValid(PUBLIC_KEY, 'AAAA', INPUT)).toBe(false);
    expect(helloProofValid(PUBLIC_KEY, 'A'.repeat(86), INPUT)).toBe(false);
  });

  it('makes each nonce from 32 bytes of the injected random source', () => {
    let calls = 0;
    const nonce = createHelloNonce((size) => {
      calls += 1;
      return Buffer.alloc(size, calls);
    });
    expect(nonce).toBe(Buffer.alloc(32, 1).toString('base64url'));
    expect(nonce).toHaveLength(43);
  });
});
