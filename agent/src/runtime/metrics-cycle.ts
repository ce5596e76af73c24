import type { Policy, Sample } from '@vigie/shared';
import type { ClockDrift } from '../checks/clock-drift.js';
import type { CheckChange, LocalChecks } from '../checks/local-checks.js';
import { type CheckObservation, servicesToCollect } from '../checks/observations.js';
import type { RebootCheck } from '../checks/reboot.js';
import type { SmartCheck } from '../checks/smart.js';
import type { Log } from '../logger.js';
import type { OutboxItem } from '../transport/outbox.js';
import type { Sampler } from './agent-deps.js';

/** The metrics loop: what the fast and slow timers run. */
export interface MetricsCycle {
  /** Primes the rate collectors; the next fast tick then sends a complete, slow sample. */
  start(): void;
  /** The fast timer fired: collect, with the slow collectors too when a slow cycle is due. */
  fast(): void;
  /** The slow timer fired: collect now when it is the more frequent timer, else ride on the next fast one. */
  slow(ownCollection: boolean): void;
}

export interface MetricsCycleDeps {
  readonly sampler: Sampler;
  readonly policy: () => Policy;
  readonly checks: Pick<LocalChecks, 'evaluate' | 'rules'>;
  readonly clockDrift: Pick<ClockDrift, 'observation'>;
  readonly reboot?: Pick<RebootCheck, 'observe'>;
  /** Disk health from smartctl, read in the background on slow cycles; never read without it. */
  readonly smart?: SmartCheck;
  /** Settles once the boot record is read; samples wait for it so a reboot is judged on it. */
  readonly rebootLoaded: Promise<void>;
  readonly reportChange: (change: CheckChange) => void;
  /** Told after each successful evaluation, once its changes are queued (the check snapshot waits for one). */
  readonly checksEvaluated?: () => void;
  readonly queue: (item: OutboxItem) => void;
  readonly log: Log;
  readonly clock: () => number;
}

/** Collects samples, evaluates the local checks on each and queues both for the hub. */
export function createMetricsCycle(deps: MetricsCycleDeps): MetricsCycle {
  const { log, checks } = deps;
  let collecting = false;
  let slowDue = false;
  // SMART readings land between cycles (smartctl takes a while per disk) and join the next evaluation.
  let smartRunning = false;
  let smartReadings: CheckObservation[] = [];

  function readSmart(): void {
    if (!deps.smart || smartRunning) return;
    smartRunning = true;
    deps.smart
      .observe(deps.clock())
      .then(
        (observations) => {
          if (observations.length > 0) smartReadings = observations;
        },
        (error) => log.warn('SMART read failed', { error: (error as Error).message }),
      )
      .finally(() => {
        smartRunning = false;
      });
  }

  const collectedServices = () => servicesToCollect(deps.policy().services, checks.rules());

  /** Runs one collection unless one is still running (a slow disk must not pile cycles up). */
  async function cycle(slow: boolean): Promise<void> {
    if (collecting) {
      log.debug('previous collection still running; skipping this cycle', { slow });
      if (slow) slowDue = true;
      return;
    }
    collecting = true;
    if (slow) readSmart();
    try {
      const sample = await deps.sampler.collect({ slow, services: collectedServices() });
      await deps.rebootLoaded;
      // Check changes are queued before the sample that revealed them: they never wait behind it.
      const changes = evaluateChecks(sample);
      for (const change of changes ?? []) deps.reportChange(change);
      if (changes) deps.checksEvaluated?.();
      deps.queue({ type: 'metrics', sample });
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

  /** The changes this sample brought, or undefined when the evaluation failed. */
  function evaluateChecks(sample: Sample): CheckChange[] | undefined {
    const now = deps.clock();
    try {
      const extra: CheckObservation[] = [deps.clockDrift.observation()];
      const rebooted = deps.reboot?.observe(
        sample,
        now,
        checks.rules().find((rule) => rule.kind === 'host.reboot'),
      );
      if (rebooted) extra.push(rebooted);
      extra.push(...smartReadings);
      const changes = checks.evaluate(sample, now, extra);
      smartReadings = [];
      return changes;
    } catch (error) {
      log.warn('check evaluation failed', { error: (error as Error).message });
      return undefined;
    }
  }

  return {
    start() {
      // The first collection only primes the rate collectors (CPU, disk and network I/O, process
      // CPU need two readings): a sample from it would lack them.
      void prime();
      slowDue = true;
    },
    fast() {
      const slow = slowDue;
      slowDue = false;
      void cycle(slow);
    },
    slow(ownCollection) {
      if (ownCollection) void cycle(true);
      else slowDue = true;
    },
  };
}
