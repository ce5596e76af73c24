import { describe, expect, it } from 'vitest';
import { createHandshakeAdmission, createHelloBacklog, createHelloGate } from './handshake-admission.js';

const backlog = () => createHelloBacklog(() => 0);

describe('handshake admission', () => {
  it('refuses a newcomer over the per-address cap, whatever the global room', () => {
    const admission = createHandshakeAdmission({ perAddress: 2, total: 10 }, backlog());
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(true);
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(true);
    expect(admission.admit('10.0.0.1', () => {})).toEqual({ ok: false, mine: 2, total: 2 });
    expect(admission.admit('10.0.0.2', () => {}).ok).toBe(true);
  });

  it('at the global cap sheds the oldest socket still silent to admit the newcomer', () => {
    const admission = createHandshakeAdmission({ perAddress: 16, total: 3 }, backlog());
    const shed: string[] = [];
    for (const name of ['a', 'b', 'c'])
      admission.admit(`10.0.0.${name.charCodeAt(0)}`, () => shed.push(name));
    const agent = admission.admit('10.9.9.9', () => shed.push('agent'));
    expect(agent.ok).toBe(true);
    expect(shed).toEqual(['a']);
    expect(admission.total()).toBe(3);
  });

  it('never sheds a socket whose hello is being checked', () => {
    const admission = createHandshakeAdmission({ perAddress: 16, total: 2 }, backlog());
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
    const admission = createHandshakeAdmission({ perAddress: 16, total: 2 }, backlog());
    for (const address of ['10.0.0.1', '10.0.0.2']) {
      const admitted = admission.admit(address, () => {});
      if (admitted.ok) admitted.ticket.helloStarted();
    }
    expect(admission.admit('10.0.0.3', () => {})).toEqual({ ok: false, mine: 0, total: 2 });
  });

  it('frees the address slot when the handshake ends', () => {
    const admission = createHandshakeAdmission({ perAddress: 1, total: 4 }, backlog());
    const one = admission.admit('10.0.0.1', () => {});
    if (!one.ok) throw new Error('not admitted');
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(false);
    one.ticket.release();
    one.ticket.release();
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(true);
    expect(admission.total()).toBe(1);
  });
});

describe('hello backlog: whether the hub keeps up with hellos (0023)', () => {
  const setup = () => {
    let now = 1_000_000;
    const clock = () => now;
    const admission = createHandshakeAdmission({ perAddress: 16, total: 2 }, createHelloBacklog(clock, 1000));
    return { admission, advance: (ms: number) => (now += ms), now: () => now };
  };

  it('is never behind while hellos get through within the second', () => {
    const { admission, advance } = setup();
    for (let i = 0; i < 5; i += 1) {
      const admitted = admission.admit('10.0.0.1', () => {});
      if (!admitted.ok) throw new Error('not admitted');
      admitted.ticket.helloStarted();
      advance(900);
      admitted.ticket.release();
    }
    expect(admission.behindAt()).toBeUndefined();
  });

  it('is behind now while a hello has waited more than a second, and remembers when it got through', () => {
    const { admission, advance, now } = setup();
    const admitted = admission.admit('10.0.0.1', () => {});
    if (!admitted.ok) throw new Error('not admitted');
    admitted.ticket.helloStarted();
    advance(500);
    expect(admission.behindAt()).toBeUndefined();
    advance(1000);
    expect(admission.behindAt()).toBe(now());
    admitted.ticket.release();
    const through = now();
    advance(10_000);
    expect(admission.behindAt()).toBe(through);
  });

  it('is behind when a newcomer is refused because every slot is a hello being checked', () => {
    const { admission, advance, now } = setup();
    for (const address of ['10.0.0.1', '10.0.0.2']) {
      const admitted = admission.admit(address, () => {});
      if (admitted.ok) admitted.ticket.helloStarted();
    }
    advance(100);
    expect(admission.admit('10.0.0.3', () => {}).ok).toBe(false);
    expect(admission.behindAt()).toBe(now());
  });

  it('is not behind for sockets that never say hello, nor for an address over its own cap', () => {
    let now = 0;
    const admission = createHandshakeAdmission(
      { perAddress: 1, total: 2 },
      createHelloBacklog(() => now, 1000),
    );
    admission.admit('10.0.0.1', () => {});
    admission.admit('10.0.0.2', () => {});
    expect(admission.admit('10.0.0.1', () => {}).ok).toBe(false);
    expect(admission.admit('10.0.0.3', () => {}).ok).toBe(true); // sheds the oldest silent one
    now += 60_000;
    expect(admission.behindAt()).toBeUndefined();
  });
});

describe('hello gate: hellos checked a few at a time, in order', () => {
  it('lets `atOnce` hellos in, queues the rest in arrival order, and passes each slot on', async () => {
    const gate = createHelloGate(2);
    const order: string[] = [];
    const first = await gate.enter();
    const second = await gate.enter();
    const third = gate.enter().then((leave) => {
      order.push('third');
      return leave;
    });
    const fourth = gate.enter().then((leave) => {
      order.push('fourth');
      return leave;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(gate.waiting()).toBe(2);
    first();
    first(); // a second call gives nothing back twice
    const leaveThird = await third;
    expect(order).toEqual(['third']);
    expect(gate.waiting()).toBe(1);
    second();
    const leaveFourth = await fourth;
    expect(order).toEqual(['third', 'fourth']);
    leaveThird();
    leaveFourth();
    // Both slots free again: two enter at once.
    await gate.enter();
    await gate.enter();
    expect(gate.waiting()).toBe(0);
  });
});
