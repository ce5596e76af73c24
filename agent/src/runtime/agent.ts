import { randomUUID } from 'node:crypto';
import {
  type CloseCodeName,
  DEFAULT_POLICY,
  type Policy,
  PROBES_CAPABILITY,
  PROTOCOL_VERSION,
  type Sample,
  type WelcomeMessage,
} from '@vigie/shared';
import { createClockDrift } from '../checks/clock-drift.js';
import { type CheckChange, createLocalChecks } from '../checks/local-checks.js';
import { type CheckObservation, servicesToCollect } from '../checks/observations.js';
import { type BootRecordStore, createRebootCheck } from '../checks/reboot.js';
import type { CollectRequest } from '../collectors/collector.js';
import type { RuntimeStatus } from '../credentials/status-file.js';
import type { HostInfo } from '../identity/host-info.js';
import type { Log } from '../logger.js';
import { createProbeRunner, type ProbeRunnerDeps } from '../probes/probe-runner.js';
import { type ConnectionEvent, type ConnectionOptions, createConnection } from '../transport/connection.js';
import { hubWebSocketUrl } from '../transport/hub-url.js';
import {
  type CheckStateReport,
  createOutbox,
  type InventoryChunk,
  type Outbox,
  type OutboxOptions,
} from '../transport/outbox.js';
import { type Cancel, type Scheduler, SYSTEM_SCHEDULER } from './scheduler.js';

/** One collection cycle (the collectors' `createSampler` satisfies it). */
export interface Sampler {
  collect(request: CollectRequest): Promise<Sample>;
}

/** The inventory functions, generic over the snapshot type so the runtime does not depend on it. */
export interface InventorySource<S> {
  collect(): Promise<S>;
  hash(snapshot: S): string;
  toChunks(snapshot: S, hash: string): InventoryChunk[];
}

export interface AgentDeps<S> {
  /** http(s) base URL of the hub; the WebSocket URL is derived from it. */
  readonly hubUrl: string;
  readonly credentials: { readonly agentId: string; readonly secret: string };
  readonly fingerprint: string;
  readonly host: HostInfo;
  readonly agentVersion: string;
  readonly sampler: Sampler;
  readonly inventory: InventorySource<S>;
  /** The last policy saved in the state dir, applied until the hub sends its own. */
  readonly savedPolicy?: Policy;
  readonly savePolicy: (policy: Policy) => Promise<void>;
  /** Persist a secret the hub rotated to (credentials.json); without it rotations are never confirmed. */
  readonly saveSecret?: (secret: string) => Promise<boolean>;
  readonly writeStatus?: (status: RuntimeStatus) => Promise<void>;
  readonly log: Log;
  readonly clock: () => number;
  /** A clock that never steps (default `performance.now`), to follow wall-clock steps after a drift measure. */
  readonly monotonic?: () => number;
  readonly random: () => number;
  /** Where the host's last boot time is kept across runs; without it `host.reboot` is never observed. */
  readonly bootRecord?: BootRecordStore;
  readonly heartbeatIntervalSec: number;
  /** Development override of the policy's fast-cycle interval. */
  readonly metricsIntervalSec?: number;
  readonly bootId?: string;
  readonly scheduler?: Scheduler;
  /** Connection tuning (tests shorten timeouts and backoff). */
  readonly connection?: Pick<
    ConnectionOptions,
    'welcomeTimeoutMs' | 'heartbeatSlackMs' | 'closeGraceMs' | 'backoff' | 'restartSpreadMs'
  >;
  /** Trusted CA certificates (PEM) for a `wss://` hub; default Node's bundled list. */
  readonly ca?: readonly string[];
  /** Tuning of the in-memory outbox used when no `spool` is given. */
  readonly outbox?: Pick<OutboxOptions, 'limits' | 'window' | 'drainRatePerSec' | 'maxBatchSamples'>;
  /** An outbox the caller opened (the CLI's on-disk spool); its boot id becomes the agent's. */
  readonly spool?: Outbox;
  /** How probes reach the network (tests may replace `ping` or the whole run). */
  readonly probes?: Pick<ProbeRunnerDeps, 'ping' | 'run'>;
  /** Told of every welcome, then of the policy in force after each welcome or push (the updater). */
  readonly onWelcome?: (welcome: WelcomeMessage) => void;
  readonly onPolicy?: (policy: Policy) => void;
}

/** Why the agent stopped: asked to, or refused by the hub for good (exit 78 in the CLI). */
export type AgentExit =
  | { readonly reason: 'stopped' }
  | {
      readonly reason: 'fatal';
      readonly name: CloseCodeName;
      readonly code: number;
      readonly message: string;
    };

export interface RunningAgent {
  readonly bootId: string;
  /** The policy in force. */
  policy(): Policy;
  /** Queue a local check's transition for the hub (sent at once when connected). */
  reportCheckState(report: CheckStateReport): void;
  /** Stops timers and closes the connection cleanly; idempotent. */
  stop(): Promise<void>;
  /** Settles when the agent stopped, for either reason. */
  readonly exited: Promise<AgentExit>;
}

/** How often state.json is refreshed on acks; connects always write it. */
const STATUS_WRITE_EVERY_MS = 30_000;
/** Hub and agent clocks further apart than this deserve a warning (samples carry agent time). */
const CLOCK_DRIFT_WARN_MS = 60_000;

/** Starts collecting and reporting; returns at once, everything else happens on timers and events. */
export function startAgent<S>(deps: AgentDeps<S>): RunningAgent {
  const { log, clock } = deps;
  const scheduler = deps.scheduler ?? SYSTEM_SCHEDULER;
  const outbox =
    deps.spool ?? createOutbox({ bootId: deps.bootId ?? randomUUID(), log, clock, ...deps.outbox });
  const { bootId } = outbox;
  let policy: Policy = deps.savedPolicy ?? DEFAULT_POLICY;
  let cancels: Cancel[] = [];
  let stopped = false;
  let collecting = false;
  let slowDue = false;
  let inventoryRunning = false;
  let lastInventoryHash: string | undefined;
  let lastStatusWrite = 0;
  // Local checks: every fast-cycle sample is evaluated; changes go out at once as checkState.
  const checks = createLocalChecks({ rules: policy.checks });
  const clockDrift = createClockDrift({ clock, monotonic: deps.monotonic ?? (() => performance.now()) });
  const reboot =
    deps.bootRecord &&
    createRebootCheck(deps.bootRecord, (error) =>
      log.warn('cannot use the boot record', { error: error.message }),
    );
  const rebootLoaded = reboot?.load() ?? Promise.resolve();
  const status: RuntimeStatus = { pid: process.pid, startedAt: new Date(clock()).toISOString() };
  // Network probes the hub assigns for devices of this site; results are events in the outbox.
  const probes = createProbeRunner({
    clock,
    random: deps.random,
    log,
    report: (result) => {
      // Taken while the hub cannot hear us, a result would arrive stale (the hub ignores it) and
      // would crowd check states out of the spool during a long outage: it is not kept.
      if (connection.state !== 'ready') return;
      if (outbox.enqueue(result)) connection.flush();
    },
    ...deps.probes,
  });
  let settle: (exit: AgentExit) => void = () => {};
  const exited = new Promise<AgentExit>((resolve) => {
    settle = resolve;
  });

  function writeStatus(): Promise<void> {
    if (!deps.writeStatus) return Promise.resolve();
    lastStatusWrite = clock();
    return deps.writeStatus({ ...status, policyRevision: policy.revision }).catch((error: Error) => {
      log.warn('cannot write the status file', { error: error.message });
    });
  }

  /** Runs one collection unless one is still running (a slow disk must not pile cycles up). */
  async function cycle(slow: boolean): Promise<void> {
    if (collecting) {
      log.debug('previous collection still running; skipping this cycle', { slow });
      if (slow) slowDue = true;
      return;
    }
    collecting = true;
    try {
      const sample = await deps.sampler.collect({ slow, services: collectedServices() });
      await rebootLoaded;
      // Check changes are queued before the sample that revealed them: they never wait behind it.
      for (const change of evaluateChecks(sample)) report(change);
      if (outbox.enqueue({ type: 'metrics', sample })) connection.flush();
    } catch (error) {
      log.warn('collection failed', { slow, error: (error as Error).message });
    } finally {
      collecting = false;
    }
  }

  async function prime(): Promise<void> {
    collecting = true;
    try {
      await deps.sampler.collect({ slow: true, services: collectedServices() });
    } catch (error) {
      log.debug('priming collection failed', { error: (error as Error).message });
    } finally {
      collecting = false;
    }
  }

  function collectedServices(): string[] {
    return servicesToCollect(policy.services, checks.rules());
  }

  function evaluateChecks(sample: Sample): CheckChange[] {
    const now = clock();
    try {
      const extra: CheckObservation[] = [clockDrift.observation()];
      const rebooted = reboot?.observe(
        sample,
        now,
        checks.rules().find((rule) => rule.kind === 'host.reboot'),
      );
      if (rebooted) extra.push(rebooted);
      return checks.evaluate(sample, now, extra);
    } catch (error) {
      log.warn('check evaluation failed', { error: (error as Error).message });
      return [];
    }
  }

  function report(change: CheckChange): void {
    log.info('check state changed', {
      check: change.check,
      resource: change.resource,
      state: change.state,
      previous: change.previous,
      message: change.message,
    });
    if (outbox.enqueue({ type: 'checkState', ...change })) connection.flush();
  }

  async function inventoryCycle(): Promise<void> {
    if (inventoryRunning) return;
    inventoryRunning = true;
    try {
      const snapshot = await deps.inventory.collect();
      const hash = deps.inventory.hash(snapshot);
      if (hash === lastInventoryHash) {
        log.debug('inventory unchanged', { hash });
        return;
      }
      const chunks = deps.inventory.toChunks(snapshot, hash);
      for (const chunk of chunks) outbox.enqueue(chunk);
      lastInventoryHash = hash;
      log.info('inventory queued', { hash, chunks: chunks.length });
      connection.flush();
    } catch (error) {
      log.warn('inventory collection failed', { error: (error as Error).message });
    } finally {
      inventoryRunning = false;
    }
  }

  function schedule(): void {
    for (const cancel of cancels) cancel();
    const metricsSec = deps.metricsIntervalSec ?? policy.metricsIntervalSec;
    const slowSec = policy.processesIntervalSec;
    let inventoryCron = policy.inventoryCron;
    if (!scheduler.validCron(inventoryCron)) {
      log.warn('invalid inventoryCron in policy; using the default', {
        inventoryCron,
        revision: policy.revision,
      });
      inventoryCron = DEFAULT_POLICY.inventoryCron;
    }
    cancels = [
      scheduler.every(metricsSec, () => {
        const slow = slowDue;
        slowDue = false;
        void cycle(slow);
      }),
      // The slow cycle rides on the next fast one (one sample, one collection); only when it is
      // the more frequent of the two does it need its own collection.
      scheduler.every(slowSec, () => {
        if (slowSec < metricsSec) void cycle(true);
        else slowDue = true;
      }),
      scheduler.cron(inventoryCron, () => void inventoryCycle()),
    ];
    log.info('schedules set', { metricsSec, slowSec, inventoryCron, revision: policy.revision });
  }

  const schedulingKey = (p: Policy) => `${p.metricsIntervalSec}|${p.processesIntervalSec}|${p.inventoryCron}`;

  function applyPolicy(next: Policy, source: 'welcome' | 'push'): void {
    // A pushed policy older than ours is a replay; the welcome's is the hub's current truth even if
    // its revision went down (restored hub database).
    if (source === 'push' && next.revision < policy.revision) {
      log.info('ignoring an older policy', { revision: next.revision, current: policy.revision });
      return;
    }
    if (JSON.stringify(next) === JSON.stringify(policy)) return;
    const reschedule = schedulingKey(next) !== schedulingKey(policy);
    policy = next;
    for (const change of checks.setRules(next.checks, clock())) report(change);
    log.info('policy received', { revision: next.revision, source });
    if (reschedule && !stopped) schedule();
    deps
      .savePolicy(next)
      .catch((error: Error) => log.warn('cannot save the policy', { error: error.message }));
    void writeStatus();
  }

  function onEvent(event: ConnectionEvent): void {
    switch (event.type) {
      case 'connected': {
        status.lastConnectedAt = new Date(clock()).toISOString();
        const driftMs = clockDrift.welcomed(event.welcome.serverTime) ?? event.welcome.serverTime - clock();
        if (Math.abs(driftMs) > CLOCK_DRIFT_WARN_MS) log.warn('clock differs from the hub', { driftMs });
        log.info('connected to hub', { hostId: event.welcome.hostId, ackedSeq: event.welcome.ackedSeq });
        void writeStatus();
        deps.onWelcome?.(event.welcome);
        break;
      }
      case 'policy':
        applyPolicy(event.policy, event.source);
        deps.onPolicy?.(policy);
        break;
      case 'probes':
        probes.assign(event.message);
        break;
      case 'ack':
        status.lastAckAt = new Date(clock()).toISOString();
        if (clock() - lastStatusWrite >= STATUS_WRITE_EVERY_MS) void writeStatus();
        break;
      case 'fatal':
        log.error('hub refused this agent', { code: event.code, name: event.name, reason: event.reason });
        void shutdown({ reason: 'fatal', name: event.name, code: event.code, message: event.reason });
        break;
      default:
        break;
    }
  }

  const connection = createConnection({
    url: hubWebSocketUrl(deps.hubUrl),
    hello: () => {
      clockDrift.helloSent();
      return {
        protocolVersion: PROTOCOL_VERSION,
        credential: { agentId: deps.credentials.agentId, secret: deps.credentials.secret },
        fingerprint: deps.fingerprint,
        agentVersion: deps.agentVersion,
        hostname: deps.host.hostname,
        os: deps.host.os,
        capabilities: [PROBES_CAPABILITY],
      };
    },
    outbox,
    onEvent,
    log,
    clock,
    random: deps.random,
    heartbeatIntervalMs: deps.heartbeatIntervalSec * 1000,
    ...(deps.ca && { ca: [...deps.ca] }),
    ...(deps.saveSecret && {
      saveSecret: (message) => deps.saveSecret?.(message.secret) ?? Promise.resolve(false),
    }),
    ...deps.connection,
  });

  async function shutdown(exit: AgentExit): Promise<void> {
    if (stopped) return exited.then(() => {});
    stopped = true;
    probes.stop();
    for (const cancel of cancels) cancel();
    cancels = [];
    await connection.close();
    await reboot?.stopped();
    await writeStatus();
    settle(exit);
  }

  schedule();
  connection.start();
  // The first collection only primes the rate collectors (CPU, disk and network I/O, process CPU
  // need two readings): a sample from it would lack them. The first tick sends a complete, slow one.
  void prime();
  slowDue = true;
  void inventoryCycle();

  return {
    bootId,
    policy: () => policy,
    reportCheckState(report) {
      if (outbox.enqueue(report)) connection.flush();
    },
    stop: () => shutdown({ reason: 'stopped' }),
    exited,
  };
}
