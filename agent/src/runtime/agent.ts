import { randomUUID } from 'node:crypto';
import {
  CHECK_SNAPSHOT_CAPABILITY,
  DEFAULT_POLICY,
  PROBES_CAPABILITY,
  PROTOCOL_VERSION,
  REMEDIATION_CAPABILITY,
  SAMPLE_DELTA_CAPABILITY,
  STATIC_ON_CHANGE_CAPABILITY,
} from '@vigie/shared';
import { type ClockDrift, createClockDrift } from '../checks/clock-drift.js';
import { createLocalChecks } from '../checks/local-checks.js';
import { createRebootCheck } from '../checks/reboot.js';
import { createProbeRunner } from '../probes/probe-runner.js';
import { NOTHING_ALLOWED } from '../remediation/allow-list.js';
import { createRemediationRunner } from '../remediation/runner.js';
import { systemRemediationTools } from '../remediation/tools.js';
import { type Connection, createConnection } from '../transport/connection.js';
import { hubWebSocketUrl } from '../transport/hub-url.js';
import type { InboundHandlers } from '../transport/inbound.js';
import { createOutbox, type Outbox, type OutboxItem } from '../transport/outbox.js';
import type { AgentDeps, AgentExit, RunningAgent } from './agent-deps.js';
import { createCheckReporter } from './check-reports.js';
import { createCheckSnapshots } from './check-snapshots.js';
import { createHubHandlers } from './hub-handlers.js';
import { createInventoryCycle } from './inventory-cycle.js';
import { createMetricsCycle } from './metrics-cycle.js';
import { createPolicyState } from './policy-state.js';
import { SYSTEM_SCHEDULER } from './scheduler.js';
import { createSchedules } from './schedules.js';
import { createStatusReporter } from './status.js';

/** Milliseconds from an arbitrary origin, never stepped by the wall clock. */
const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

export type { AgentDeps, AgentExit, InventorySource, RunningAgent, Sampler } from './agent-deps.js';

/**
 * Starts collecting and reporting; returns at once, everything else happens on timers and events.
 * This is the composition root: it builds each part from `deps`, the parts do the work.
 */
export function startAgent<S>(deps: AgentDeps<S>): RunningAgent {
  const { log, clock } = deps;
  const outbox =
    deps.spool ?? createOutbox({ bootId: deps.bootId ?? randomUUID(), log, clock, ...deps.outbox });
  // `connection` is created last, once the handlers it dispatches to exist; the parts only call it later.
  const flush = () => connection.flush();
  const queue = (item: OutboxItem) => {
    if (outbox.enqueue(item)) flush();
  };

  // Local checks: every fast-cycle sample is evaluated; changes go out at once as checkState.
  const initialPolicy = deps.savedPolicy ?? DEFAULT_POLICY;
  const checks = createLocalChecks({ rules: initialPolicy.checks });
  // process.hrtime, not performance.now: the `performance` global loads perf_hooks and its timing
  // modules, resident for the process's life (~0.2 MiB measured in an idle node).
  const clockDrift = createClockDrift({ clock, monotonic: deps.monotonic ?? monotonicMs });
  const reboot =
    deps.bootRecord &&
    createRebootCheck(deps.bootRecord, (error) =>
      log.warn('cannot use the boot record', { error: error.message }),
    );
  const reportChange = createCheckReporter({ log, queue });
  // After every welcome, the whole truth of the checks (a reboot that fixed a fault says so).
  const snapshots = createCheckSnapshots({ checks, queue, log, clock });

  const metrics = createMetricsCycle({
    sampler: deps.sampler,
    policy: () => policy.current(),
    checks,
    clockDrift,
    reboot,
    ...(deps.smart && { smart: deps.smart }),
    rebootLoaded: reboot?.load() ?? Promise.resolve(),
    reportChange,
    checksEvaluated: () => snapshots.evaluated(),
    queue,
    log,
    clock,
  });
  const inventoryCycle = createInventoryCycle({ inventory: deps.inventory, outbox, flush, log });
  const schedules = createSchedules({
    scheduler: deps.scheduler ?? SYSTEM_SCHEDULER,
    metricsIntervalSec: deps.metricsIntervalSec,
    metrics,
    inventory: () => void inventoryCycle(),
    log,
  });
  const status = createStatusReporter({
    writeStatus: deps.writeStatus,
    policyRevision: () => policy.current().revision,
    log,
    clock,
    pid: process.pid,
  });
  const policy = createPolicyState({
    initial: initialPolicy,
    checks,
    reportChange,
    reschedule: (next) => schedules.set(next),
    savePolicy: deps.savePolicy,
    writeStatus: () => void status.write(),
    log,
    clock,
  });
  // Network probes the hub assigns for devices of this site; results are events in the outbox.
  const probes = createProbeRunner({
    clock,
    random: deps.random,
    log,
    report: (result) => {
      // Taken while the hub cannot hear us, a result would arrive stale (the hub ignores it) and
      // would crowd check states out of the spool during a long outage: it is not kept.
      if (connection.state === 'ready') queue(result);
    },
    ...deps.probes,
  });
  // N0: the hub asks, this machine's allow-list and bound decide (decision 0029).
  const tools = deps.remediationTools ?? systemRemediationTools(process.platform);
  const remediation = createRemediationRunner({
    allow: deps.remediation ?? NOTHING_ALLOWED,
    checks: () => checks.states(),
    services: tools.services,
    exec: tools.exec,
    report: queue,
    log,
    clock,
  });
  const handlers = createHubHandlers({
    remediation,
    policy,
    status,
    clockDrift,
    probes,
    snapshots,
    onWelcome: deps.onWelcome,
    onPolicy: deps.onPolicy,
    log,
    clock,
  });
  const connection = connectToHub(deps, outbox, clockDrift, handlers, (exit) => void shutdown(exit));

  let stopped = false;
  let settle: (exit: AgentExit) => void = () => {};
  const exited = new Promise<AgentExit>((resolve) => {
    settle = resolve;
  });

  async function shutdown(exit: AgentExit): Promise<void> {
    if (stopped) return exited.then(() => {});
    stopped = true;
    probes.stop();
    schedules.stop();
    await connection.close();
    await reboot?.stopped();
    await status.write();
    settle(exit);
  }

  schedules.set(policy.current());
  connection.start();
  metrics.start();
  void inventoryCycle();

  return {
    bootId: outbox.bootId,
    policy: () => policy.current(),
    reportCheckState: queue,
    stop: () => shutdown({ reason: 'stopped' }),
    exited,
  };
}

/** The connection to the hub: a hello from the agent's identity, every hub message to `handlers`. */
function connectToHub<S>(
  deps: AgentDeps<S>,
  outbox: Outbox,
  clockDrift: Pick<ClockDrift, 'helloSent'>,
  handlers: InboundHandlers,
  onFatal: (exit: AgentExit) => void,
): Connection {
  const { log } = deps;
  return createConnection({
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
        capabilities: [
          PROBES_CAPABILITY,
          CHECK_SNAPSHOT_CAPABILITY,
          REMEDIATION_CAPABILITY,
          STATIC_ON_CHANGE_CAPABILITY,
          SAMPLE_DELTA_CAPABILITY,
        ],
      };
    },
    outbox,
    handlers,
    // Hub messages go to `handlers`; of the link's own life only a refusal for good matters here.
    onEvent: (event) => {
      if (event.type !== 'fatal') return;
      log.error('hub refused this agent', { code: event.code, name: event.name, reason: event.reason });
      onFatal({ reason: 'fatal', name: event.name, code: event.code, message: event.reason });
    },
    log,
    clock: deps.clock,
    random: deps.random,
    heartbeatIntervalMs: deps.heartbeatIntervalSec * 1000,
    ...(deps.ca && { ca: [...deps.ca] }),
    ...(deps.saveSecret && {
      saveSecret: (message) => deps.saveSecret?.(message.secret) ?? Promise.resolve(false),
    }),
    ...deps.connection,
  });
}
