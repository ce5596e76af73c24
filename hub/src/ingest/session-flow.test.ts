import { CLOSE_CODES, type CloseCodeName, encodeMessage } from '@vigie/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAgentRates } from './agent-rate-limit.js';
import { createFlowControl, type SessionLimits, type SessionSocket } from './session-flow.js';

const LIMITS: SessionLimits = {
  // Fast enough that a delayed frame waits milliseconds; the clock stands still unless a test moves it.
  messagesPerSec: 200,
  messageBurst: 2,
  bytesPerSec: 1_000_000,
  byteBurst: 10_000_000,
  maxViolations: 3,
  maxBufferedBytes: 1000,
};

/** Flow control over a recording socket, closed the way the session closes it. */
function harness(options: { limits?: SessionLimits; maxInFlight?: number; clock?: () => number } = {}) {
  const socket = {
    sent: [] as string[],
    closedWith: undefined as number | undefined,
    bufferedAmount: 0,
    paused: false,
    send: (data: string) => void socket.sent.push(data),
    close: () => {},
    pause: () => {
      socket.paused = true;
    },
    resume: () => {
      socket.paused = false;
    },
  } satisfies SessionSocket & Record<string, unknown>;
  const failures: unknown[] = [];
  let closed = false;
  const flow = createFlowControl(socket, {
    limits: options.limits ?? LIMITS,
    maxInFlight: options.maxInFlight ?? 64,
    clock: options.clock ?? (() => 1_764_000_000_000),
    log: pino({ level: 'silent' }),
    isClosed: () => closed,
    close: (code: CloseCodeName) => {
      if (closed) return;
      socket.closedWith = CLOSE_CODES[code].code;
      flow.closing();
      closed = true;
    },
    agentId: () => undefined,
    onJobFailed: (error) => void failures.push(error),
  });
  return { socket, flow, failures };
}

const frame = (seq: number) =>
  encodeMessage({ type: 'metricsGap', bootId: 'b', seq, from: 0, to: 1, count: 1 });

describe('flow control', () => {
  it('runs frames within the rate at once, in arrival order, without pausing the socket', async () => {
    const { socket, flow } = harness();
    const ran: number[] = [];
    for (const seq of [1, 2]) {
      const delayMs = flow.admit(frame(seq));
      expect(delayMs).toBe(0);
      flow.enqueue(async () => void ran.push(seq), delayMs);
    }
    expect(socket.paused).toBe(false);
    await flow.drained();
    expect(ran).toEqual([1, 2]);
  });

  it('pauses the socket while frames over the rate wait, runs them late, then reads again', async () => {
    const { socket, flow } = harness();
    const ran: number[] = [];
    for (const seq of [1, 2, 3, 4]) {
      const delayMs = flow.admit(frame(seq));
      flow.enqueue(async () => void ran.push(seq), delayMs);
    }
    expect(socket.paused).toBe(true);
    expect(socket.closedWith).toBeUndefined();
    await flow.drained();
    expect(ran).toEqual([1, 2, 3, 4]);
    expect(socket.paused).toBe(false);
  });

  it('closes with 4032 at the maxViolations-th frame in a row over the rate, reading again to finish the close', async () => {
    const { socket, flow } = harness();
    const ran: number[] = [];
    for (const seq of [1, 2, 3, 4]) flow.enqueue(async () => void ran.push(seq), flow.admit(frame(seq)));
    expect(socket.closedWith).toBeUndefined(); // two delayed so far
    expect(flow.admit(frame(5))).toBeUndefined();
    expect(socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
    expect(socket.paused).toBe(false);
    await flow.drained();
    // The delayed frames are dropped unhandled: never acknowledged, the agent sends them again.
    expect(ran).toEqual([1, 2]);
  });

  it('pauses the socket while maxInFlight frames wait for their commit, and resumes as they finish', async () => {
    const { socket, flow } = harness({ limits: { ...LIMITS, messageBurst: 100 }, maxInFlight: 2 });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    flow.enqueue(() => gate, flow.admit(frame(1)));
    expect(socket.paused).toBe(false);
    flow.enqueue(async () => {}, flow.admit(frame(2)));
    expect(socket.paused).toBe(true);
    release();
    await flow.drained();
    expect(socket.paused).toBe(false);
  });

  it('drops an agent that leaves more than maxBufferedBytes unread with 4034, and sends nothing more', () => {
    const { socket, flow } = harness();
    flow.send({ type: 'ack', bootId: 'b', seq: 1 });
    socket.bufferedAmount = 1001;
    flow.send({ type: 'ack', bootId: 'b', seq: 2 });
    expect(socket.closedWith).toBe(CLOSE_CODES.SLOW_CONSUMER.code);
    socket.bufferedAmount = 0;
    flow.send({ type: 'ack', bootId: 'b', seq: 3 });
    expect(socket.sent).toHaveLength(1);
  });

  it('answers a missed heartbeat: dead when reading, 4032 when paused for the rate, kept when paused for its own commits', async () => {
    const reading = harness();
    expect(reading.flow.missedHeartbeat()).toBe('dead');

    const overRate = harness();
    for (const seq of [1, 2, 3]) overRate.flow.enqueue(async () => {}, overRate.flow.admit(frame(seq)));
    expect(overRate.flow.missedHeartbeat()).toBe('handled');
    expect(overRate.socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
    await overRate.flow.drained();

    const busy = harness({ limits: { ...LIMITS, messageBurst: 100 }, maxInFlight: 1 });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    busy.flow.enqueue(() => gate, busy.flow.admit(frame(1)));
    expect(busy.flow.missedHeartbeat()).toBe('handled');
    expect(busy.socket.closedWith).toBeUndefined();
    release();
    await busy.flow.drained();
  });

  it('charges the frames received before the hello to the agent budget once it is known', async () => {
    const now = 1_764_000_000_000;
    const rates = createAgentRates(LIMITS, () => now);
    // The agent spent its budget on an earlier socket.
    const spent = rates.forAgent('agent-1');
    for (let i = 0; i < 4; i += 1) spent.charge(10);
    const { socket, flow } = harness({ clock: () => now });
    flow.admit(frame(1));
    expect(await flow.chargeAgent('agent-1', rates)).toBe(false);
    expect(socket.closedWith).toBe(CLOSE_CODES.RATE_LIMITED.code);
  });

  it('hands a job that threw to onJobFailed and keeps the queue going', async () => {
    const { flow, failures } = harness();
    const ran: number[] = [];
    flow.enqueue(async () => {
      throw new Error('disk full');
    });
    flow.enqueue(async () => void ran.push(2));
    await flow.drained();
    expect(failures).toEqual([new Error('disk full')]);
    expect(ran).toEqual([2]);
  });

  it('runs work queued with after() behind the frames before it, with its result', async () => {
    const { flow } = harness();
    const order: string[] = [];
    flow.enqueue(async () => void order.push('frame'));
    expect(await flow.after(() => order.push('after'))).toBe(2);
    expect(order).toEqual(['frame', 'after']);
  });

  it('submits pipelined frames without waiting for their commits, and holds other work until they settle', async () => {
    const { socket, flow } = harness({ limits: { ...LIMITS, messageBurst: 100 }, maxInFlight: 3 });
    const order: string[] = [];
    const commits: (() => void)[] = [];
    const commit = (seq: number) => () => {
      order.push(`submit ${seq}`);
      return new Promise<void>((resolve) => {
        commits.push(() => {
          order.push(`settled ${seq}`);
          resolve();
        });
      });
    };
    flow.pipeline(commit(1), flow.admit(frame(1)));
    flow.pipeline(commit(2), flow.admit(frame(2)));
    flow.enqueue(async () => void order.push('gap 3'), flow.admit(frame(3)));
    const afterAll = flow.after(() => order.push('after'));
    // Both handed over before either settled: they can share one commit.
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['submit 1', 'submit 2']);
    // Still counted in flight until they settle.
    expect(socket.paused).toBe(true);
    for (const settle of commits) settle();
    await afterAll;
    expect(order).toEqual(['submit 1', 'submit 2', 'settled 1', 'settled 2', 'gap 3', 'after']);
    await flow.drained();
    expect(socket.paused).toBe(false);
  });

  it('hands a failed pipelined commit to onJobFailed and keeps the queue going', async () => {
    const { flow, failures } = harness();
    const ran: number[] = [];
    flow.pipeline(async () => {
      throw new Error('disk full');
    });
    flow.enqueue(async () => void ran.push(2));
    await flow.drained();
    expect(failures).toEqual([new Error('disk full')]);
    expect(ran).toEqual([2]);
  });
});
