import { BACKOFF_DEFAULTS, CONNECTION_DEFAULTS, createBackoff, createWireEncoder } from '@vigie/agent';
import {
  type CheckStateMessage,
  CLOSE_CODES,
  closeCodeName,
  type EnrolResponse,
  encodeMessage,
  type MetricsMessage,
  PROTOCOL_VERSION,
  policySchema,
  REMEDIATION_CAPABILITY,
  type RemediationResultMessage,
  remediateSchema,
  SAMPLE_DELTA_CAPABILITY,
  type Sample,
  STATIC_ON_CHANGE_CAPABILITY,
} from '@vigie/shared';
import WebSocket from 'ws';
import type { SimHostPlan } from './fleet-plan.js';
import { createSimLocalChecks, type SimCheckChange, type SimLocalChecks } from './local-checks.js';
import type { Random } from './random.js';
import { createReportTemplate, type ReportTemplate } from './report-template.js';
import type { SampleGenerator, SampleOverrides } from './sample-generator.js';
import type { SimStats } from './sim-stats.js';
import type { TimerWheel, WheelTask } from './timer-wheel.js';
import { sendZeroMaskText } from './zero-mask-frame.js';

/** A simulated host with the credential the hub gave it. */
export type SimAgentIdentity = SimHostPlan & EnrolResponse;

/** Lifecycle of one simulated agent; `dead` and `frozen` are only ever reached by a fault. */
export type SimAgentState =
  | 'idle'
  | 'connecting'
  | 'ready'
  | 'waiting'
  | 'frozen'
  | 'dead'
  | 'refused'
  | 'stopped';

export interface SimAgentDeps {
  readonly wsUrl: string;
  readonly intervalMs: number;
  readonly random: Random;
  /**
   * A new boot id. Not drawn from the seeded random: a rerun with the same seed must be a new boot,
   * or the hub would take its messages for resends of the previous run and drop them.
   */
  readonly newBootId: () => string;
  /** Wall clock (ms since epoch): stamps `sample.at`, as an agent's clock would. */
  readonly clock: () => number;
  /** Monotonic clock (ms): measures send→ack without wall-clock steps. */
  readonly now: () => number;
  readonly stats: SimStats;
  readonly generator: SampleGenerator;
  /** The fleet's report timer (one for every agent). */
  readonly wheel: TimerWheel;
  /**
   * Run the agent's checks on a sample at most this often (ms of sample time); 0: on every sample,
   * as the real agent does. A benchmark that shortens the interval far below a real agent's keeps
   * the checks at the real cadence with it (their cost is per evaluation, not per report).
   */
  readonly checksEveryMs: number;
  /** No report before this monotonic time: a benchmark connects the whole fleet first. */
  readonly reportsFrom: number;
  /**
   * Mask frames with a zero key. RFC 6455 asks a client for an unpredictable key, against proxies
   * that a browser's script could poison; there is no proxy between simulator and hub, and the hub
   * unmasks the same bytes either way. Messages then go out as one buffer written straight to the
   * socket (zero-mask-frame.ts), instead of ws copying and XOR-ing each and writing two buffers;
   * the frames ws still writes itself (pong, close) get the zero key too.
   */
  readonly zeroMask: boolean;
  /**
   * Announce `sampleDelta` as the real agent does, and send samples as changes through its encoder.
   * A template is of one fixed frame; which numbers a change-frame carries varies from one report
   * to the next, so these reports are encoded one by one (report-template.ts is then not used).
   */
  readonly sampleDelta: boolean;
}

/** One simulated agent: a real WebSocket speaking protocol v1, reporting open-loop on its own timer. */
export interface SimAgent {
  readonly identity: SimAgentIdentity;
  readonly state: SimAgentState;
  start(): void;
  /** Terminate the socket abruptly (no close frame); the agent stays dead until revived. */
  kill(): void;
  /** Stop sending and stop reading (so pings go unanswered) without closing the socket. */
  freeze(): void;
  /** Restart a dead or frozen agent: new boot, new connection. */
  revive(): void;
  /** Report `overrides` instead of the wandering values until `forMs` from now. */
  breach(overrides: SampleOverrides, forMs: number): void;
  /**
   * Report watched service `name` stopped for `forMs` (running before and after). A `remediate`
   * restart is answered `done`, and brings it back when `fixable`; otherwise it stays stopped.
   */
  serviceDown(name: string, fixable: boolean, forMs: number): void;
  /** Alternate a check between warning and ok every `everyMs` for `forMs`. */
  flap(check: string, everyMs: number, forMs: number): void;
  /** Close cleanly (1000) and settle once the socket is gone or the grace period ran out. */
  stop(graceMs: number): Promise<void>;
}

const AGENT_VERSION = '0.1.0-sim';
const WELCOME_TIMEOUT_MS = 15_000;
// The real agent's first retry after a "service restart" close (0023).
const RESTART_SPREAD_MS = Math.min(CONNECTION_DEFAULTS.restartSpreadMs, BACKOFF_DEFAULTS.recentCapMs);
/** Send times kept per agent; beyond it the oldest are dropped and counted as unmeasured. */
const MAX_PENDING = 1024;

const zeroMask = (mask: Buffer) => mask.fill(0);

/** Reads the two fields we act on; anything else from the hub is counted, not trusted. */
function parseHubFrame(
  data: WebSocket.RawData,
): { type: string; value: Record<string, unknown> } | undefined {
  try {
    const value: unknown = JSON.parse(data.toString());
    if (typeof value !== 'object' || value === null) return undefined;
    const type = (value as Record<string, unknown>).type;
    return typeof type === 'string' ? { type, value: value as Record<string, unknown> } : undefined;
  } catch {
    return undefined;
  }
}

/** Creates an agent; nothing happens until `start()`. */
export function createSimAgent(identity: SimAgentIdentity, deps: SimAgentDeps): SimAgent {
  const { stats, random, clock, now, generator } = deps;
  let state: SimAgentState = 'idle';
  let socket: WebSocket | undefined;
  let bootId = deps.newBootId();
  let seq = 0;
  let ackedSeq = 0;
  // As the real agent writes: static fields left out once sent on this socket, if the hub carries them.
  let encode: (message: MetricsMessage | CheckStateMessage | RemediationResultMessage) => string =
    encodeMessage;
  // Send times of unacknowledged messages, oldest first (seqs increase, so acks pop from the front).
  let pendingSeqs: number[] = [];
  let pendingTimes: number[] = [];
  let checks: SimLocalChecks = createSimLocalChecks(undefined);
  // The report due on the wheel (NaN: none); a wheel entry for another time is stale and skipped.
  let reportDue = Number.NaN;
  const reportTask: WheelTask = {
    run(due) {
      if (due !== reportDue) return;
      reportDue = Number.NaN;
      report();
    },
  };
  // This connection's steady frame, encoded once (report-template.ts); the first report on a
  // connection goes through the encoder, which then leaves out the statics as the template does.
  let template: ReportTemplate | undefined;
  let metricsOnSocket = 0;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let welcomeTimer: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let flapTimer: NodeJS.Timeout | undefined;
  let overrides: SampleOverrides = {};
  let overridesUntil = 0;
  // The watched service a `service` fault took down; reported on every sample once set, so its
  // check clears when the fault ends or a restart fixed it.
  let service: { name: string; fixable: boolean; until: number; fixed: boolean } | undefined;
  // The real agent's reconnect delays (full jitter, short cap after losing a hub that welcomed it).
  const backoff = createBackoff({ random, clock: now });
  let welcomedAt: number | undefined;
  let nextReportAt = 0;
  // Whether this agent is in `stats.connected` (welcomed, socket not yet closed).
  let counted = false;
  const helloCapabilities = deps.sampleDelta
    ? [STATIC_ON_CHANGE_CAPABILITY, SAMPLE_DELTA_CAPABILITY, REMEDIATION_CAPABILITY]
    : [STATIC_ON_CHANGE_CAPABILITY, REMEDIATION_CAPABILITY];
  // Both sides said sampleDelta: the encoder writes changes (agent's wire-encoder.ts, same rule).
  const encodesChanges = (welcomed: readonly string[]) =>
    deps.sampleDelta && welcomed.includes(SAMPLE_DELTA_CAPABILITY);

  function clearTimers(): void {
    reportDue = Number.NaN;
    clearTimeout(welcomeTimer);
    clearTimeout(reconnectTimer);
    clearInterval(flapTimer);
    welcomeTimer = reconnectTimer = flapTimer = undefined;
  }

  function send(message: MetricsMessage | CheckStateMessage | RemediationResultMessage): void {
    sendText(encode(message), message.seq);
  }

  function sendText(text: string, messageSeq: number): void {
    if (socket?.readyState !== WebSocket.OPEN) return;
    if (!deps.zeroMask || !sendZeroMaskText(socket, text)) socket.send(text);
    if (pendingSeqs.length >= MAX_PENDING) {
      pendingSeqs.shift();
      pendingTimes.shift();
      stats.unmeasured += 1;
    }
    pendingSeqs.push(messageSeq);
    pendingTimes.push(now());
  }

  function sendCheckState(change: SimCheckChange, at: number, message: string): void {
    seq += 1;
    send({ type: 'checkState', bootId, seq, at, ...change, message });
    stats.checkStatesSent += 1;
  }

  /** The sample the generator's current values make, with the faulted service if there is one. */
  function currentSample(): Sample {
    const generated = generator.build(generator.values);
    if (!service) return generated;
    const running = service.fixed || now() >= service.until;
    return { ...generated, services: [{ name: service.name, state: running ? 'running' : 'stopped' }] };
  }

  function scheduleReport(at: number): void {
    reportDue = at;
    deps.wheel.schedule(reportTask, at);
  }

  function report(): void {
    if (state !== 'ready') return;
    const at = clock();
    generator.step(at, now() < overridesUntil ? overrides : undefined);
    seq += 1;
    let sample: Sample | undefined;
    // A watched service's state is a section the template does not have: those go the slow way.
    let text: string;
    if (template && metricsOnSocket > 0 && !service) text = template.render(generator.values, seq);
    else {
      sample = currentSample();
      text = encode({ type: 'metrics', bootId, seq, samples: [sample] });
    }
    sendText(text, seq);
    stats.metricsChars += text.length;
    metricsOnSocket += 1;
    stats.metricsSent += 1;
    if (at - checkedAt >= deps.checksEveryMs) {
      checkedAt = at;
      sample ??= currentSample();
      for (const change of checks.evaluate(sample, at)) sendCheckState(change, at, 'simulated agent check');
    }
    // Open loop: the next report is due on the agent's own schedule, whatever the hub answered.
    // Scheduling against the ideal time (not "now + interval") keeps the rate exact; ±2 % jitter
    // keeps thousands of agents from falling into lockstep.
    nextReportAt += deps.intervalMs;
    const jitter = (random() * 2 - 1) * 0.02 * deps.intervalMs;
    scheduleReport(nextReportAt + jitter);
  }

  function onAck(ackBoot: unknown, ackSeq: unknown): void {
    if (ackBoot !== bootId || typeof ackSeq !== 'number' || ackSeq <= ackedSeq) return;
    if (ackSeq > seq) {
      // An ack for something never sent in this boot: the hub is confused, do not count it.
      stats.hubErrors += 1;
      return;
    }
    stats.acked += ackSeq - ackedSeq;
    ackedSeq = ackSeq;
    const t = now();
    while (pendingSeqs.length > 0 && pendingSeqs[0]! <= ackSeq) {
      pendingSeqs.shift();
      const latency = t - pendingTimes.shift()!;
      stats.latency.record(latency);
      stats.windowLatency.record(latency);
      stats.markLatency.record(latency);
    }
  }

  /** Like the real agent: `done` once the restart "ran"; whether it held, the next samples say. */
  function onRemediate(value: Record<string, unknown>): void {
    const parsed = remediateSchema.safeParse(value);
    if (!parsed.success) {
      stats.hubErrors += 1;
      return;
    }
    const ask = parsed.data;
    const ours = service !== undefined && ask.check === 'service.down' && ask.resource === service.name;
    if (ours && service?.fixable) service.fixed = true;
    seq += 1;
    send({
      type: 'remediationResult',
      bootId,
      seq,
      at: clock(),
      attemptId: ask.attemptId,
      check: ask.check,
      resource: ask.resource ?? '',
      action: ask.action,
      outcome: ours ? 'done' : 'refused',
      ...(!ours && { reason: 'not-failing' as const }),
      durationMs: 0,
    });
  }

  function onWelcome(welcome: Record<string, unknown>): void {
    const { policy, capabilities } = welcome;
    const announced = {
      capabilities: Array.isArray(capabilities) ? capabilities.filter((c) => typeof c === 'string') : [],
    };
    encode = createWireEncoder(announced, helloCapabilities);
    const connectionBoot = bootId;
    template = encodesChanges(announced.capabilities)
      ? undefined
      : createReportTemplate(
          createWireEncoder(announced),
          (values, messageSeq) => ({
            type: 'metrics',
            bootId: connectionBoot,
            seq: messageSeq,
            samples: [generator.build(values)],
          }),
          generator.values.length,
        );
    if (!template && !encodesChanges(announced.capabilities)) stats.untemplated += 1;
    clearTimeout(welcomeTimer);
    state = 'ready';
    welcomedAt = now();
    stats.welcomes += 1;
    const second = Math.floor(clock() / 1000);
    stats.welcomesBySecond.set(second, (stats.welcomesBySecond.get(second) ?? 0) + 1);
    stats.connected += 1;
    counted = true;
    stats.peakConnected = Math.max(stats.peakConnected, stats.connected);
    const parsed = policySchema.safeParse(policy);
    checks = createSimLocalChecks(parsed.success ? parsed.data.checks : undefined);
    // First report at a random phase in [0, interval): a fleet's reports are spread, not aligned.
    nextReportAt = Math.max(now(), deps.reportsFrom) + random() * deps.intervalMs;
    scheduleReport(nextReportAt);
  }

  function onClose(ws: WebSocket, code: number): void {
    if (ws !== socket) return;
    socket = undefined;
    if (counted) stats.connected -= 1;
    counted = false;
    stats.lostUnacked += seq - ackedSeq;
    pendingSeqs = [];
    pendingTimes = [];
    clearTimers();
    // Our own kills and stops are not news; a frozen agent whose socket the hub cut stays frozen.
    if (state === 'dead' || state === 'stopped' || state === 'frozen') return;
    stats.closeCodes.set(code, (stats.closeCodes.get(code) ?? 0) + 1);
    const name = closeCodeName(code);
    if (name && CLOSE_CODES[name].reconnect === 'never') {
      state = 'refused';
      stats.refused += 1;
      return;
    }
    // Like a real agent: retry with its backoff (a new boot keeps seqs simple).
    state = 'waiting';
    backoff.noteUptime(welcomedAt === undefined ? 0 : now() - welcomedAt);
    welcomedAt = undefined;
    const delay = name === 'SERVICE_RESTART' ? random() * RESTART_SPREAD_MS : backoff.next();
    reconnectTimer = setTimeout(() => {
      stats.reconnects += 1;
      connect();
    }, delay);
  }

  function connect(): void {
    bootId = deps.newBootId();
    seq = 0;
    ackedSeq = 0;
    template = undefined;
    metricsOnSocket = 0;
    state = 'connecting';
    const ws = new WebSocket(deps.wsUrl, {
      perMessageDeflate: false,
      handshakeTimeout: WELCOME_TIMEOUT_MS,
      ...(deps.zeroMask && { generateMask: zeroMask }),
    });
    socket = ws;
    ws.on('open', () => {
      ws.send(
        encodeMessage({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          credential: { agentId: identity.agentId, secret: identity.secret },
          fingerprint: identity.fingerprint,
          agentVersion: AGENT_VERSION,
          hostname: identity.hostname,
          os: identity.os,
          bootId,
          capabilities: helloCapabilities,
        }),
      );
      welcomeTimer = setTimeout(() => ws.terminate(), WELCOME_TIMEOUT_MS);
    });
    ws.on('message', (data) => {
      if (ws !== socket) return;
      const frame = parseHubFrame(data);
      if (frame?.type === 'ack') onAck(frame.value.bootId, frame.value.seq);
      else if (frame?.type === 'welcome' && state === 'connecting') onWelcome(frame.value);
      else if (frame?.type === 'remediate' && state === 'ready') onRemediate(frame.value);
      else if (frame?.type !== 'policy') stats.hubErrors += 1;
    });
    ws.on('close', (code) => onClose(ws, code));
    // 'error' is always followed by 'close', which decides what happens next.
    ws.on('error', () => {
      stats.socketErrors += 1;
    });
  }

  /** Forget the current socket without its close counting as a disconnection we react to. */
  function abandon(): void {
    const old = socket;
    if (!old) return;
    onClose(old, 1006);
    old.removeAllListeners('message');
    old.terminate();
  }

  return {
    identity,
    get state() {
      return state;
    },
    start() {
      if (state === 'idle') connect();
    },
    kill() {
      if (state === 'dead' || state === 'stopped') return;
      state = 'dead';
      clearTimers();
      socket?.terminate();
    },
    freeze() {
      if (state !== 'ready') return;
      state = 'frozen';
      clearTimers();
      socket?.pause();
    },
    revive() {
      if (state !== 'dead' && state !== 'frozen') return;
      state = 'dead';
      abandon();
      connect();
    },
    breach(values, forMs) {
      overrides = values;
      overridesUntil = now() + forMs;
    },
    serviceDown(name, fixable, forMs) {
      service = { name, fixable, until: now() + forMs, fixed: false };
    },
    flap(check, everyMs, forMs) {
      clearInterval(flapTimer);
      const until = now() + forMs;
      let current: 'ok' | 'warning' = 'ok';
      const toggle = () => {
        if (state !== 'ready') return clearInterval(flapTimer);
        const ending = now() >= until;
        if (ending && current === 'ok') return clearInterval(flapTimer);
        const next = current === 'ok' ? 'warning' : 'ok';
        const change = {
          check,
          state: next,
          previous: current,
          value: next === 'warning' ? 95 : 40,
          threshold: 90,
        } satisfies SimCheckChange;
        sendCheckState(change, clock(), `simulated flap: ${next}`);
        current = next;
        if (ending) clearInterval(flapTimer);
      };
      toggle();
      flapTimer = setInterval(toggle, everyMs);
    },
    stop(graceMs) {
      const ws = socket;
      const wasFrozen = state === 'frozen';
      state = 'stopped';
      clearTimers();
      if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          ws.terminate();
          resolve();
        }, graceMs);
        ws.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        // A frozen socket cannot read the hub's close frame: it goes the hard way.
        if (wasFrozen || ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'simulation over');
      });
    },
  };
}
