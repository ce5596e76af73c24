import { describe, expect, it } from 'vitest';
import { createHandshakeAdmission } from './handshake-admission.js';

describe('handshake admission', () => {
  it('refuses a newcomer over the per-address cap, whatever the global room', () => {
    const admission = createHandshakeAdmission({ perAddress: 2, total: 10 });
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(true);
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(true);
    expect(admission.admit('10.0.0.1', () => {})).toEqual({ ok: false, mine: 2, total: 2 });
    expect(admission.admit('10.0.0.2', () => {}).ok).toBe(true);
  });

  it('at the global cap sheds the oldest socket still silent to admit the newcomer', () => {
    const admission = createHandshakeAdmission({ perAddress: 16, total: 3 });
    const shed: string[] = [];
    for (const name of ['a', 'b', 'c'])
      admission.admit(`10.0.0.${name.charCodeAt(0)}`, () => shed.push(name));
    const agent = admission.admit('10.9.9.9', () => shed.push('agent'));
    expect(agent.ok).toBe(true);
    expect(shed).toEqual(['a']);
    expect(admission.total()).toBe(3);
  });

  it('never sheds a socket whose hello is being checked', () => {
    const admission = createHandshakeAdmission({ perAddress: 16, total: 2 });
    const shed: string[] = [];
    const first = admission.admit('10.0.0.1', () => shed.push('first'));
    const second = admission.admit('10.0.0.2', () => shed.push('second'));
    if (!first.ok || !second.ok) throw new Error('not admitted');
    first.ticket.helloStarted();
    expect(admission.admit('10.0.0.3', () => shed.push('third')).ok).toBe(true);
    expect(shed).toEqual(['second']);
    second.ticket.release(); // the shed socket's close, later: counted once
    expect(admission.total()).toBe(2);
  });

  it('refuses the newcomer when every slot is a hello being checked', () => {
    const admission = createHandshakeAdmission({ perAddress: 16, total: 2 });
    for (const address of ['10.0.0.1', '10.0.0.2']) {
      const admitted = admission.admit(address, () => {});
      if (admitted.ok) admitted.ticket.helloStarted();
    }
    expect(admission.admit('10.0.0.3', () => {})).toEqual({ ok: false, mine: 0, total: 2 });
  });

  it('frees the address slot when the handshake ends', () => {
    const admission = createHandshakeAdmission({ perAddress: 1, total: 4 });
    const one = admission.admit('10.0.0.1', () => {});
    if (!one.ok) throw new Error('not admitted');
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(false);
    one.ticket.release();
    one.ticket.release();
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(true);
    expect(admission.total()).toBe(1);
  });
});
