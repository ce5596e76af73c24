import { createAllowList, type ProbeResultMessage, type ProbeSpec, type ProbesMessage } from '@vigie/shared';
import type { Log } from '../logger.js';
import type { ProbeFinding } from './outcome.js';
import { icmpAllowed, type PingDeps, systemPing } from './ping.js';
import { runProbe } from './run-probe.js';

/** A result ready for the outbox (it gets its `(bootId, seq)` there). */
export type ProbeResultReport = Omit<ProbeResultMessage, 'bootId' | 'seq'>;

export interface ProbeRunnerDeps {
  readonly clock: () => number;
  readonly random: () => number;
  readonly log: Log;
  readonly report: (result: ProbeResultReport) => void;
  /** ICMP through `ping`; the default asks the system's `ping` whether it may. */
  readonly ping?: PingDeps;
  /** Runs one probe (tests may replace the network). */
  readonly run?: (spec: ProbeSpec, allow: ReturnType<typeof createAllowList>) => Promise<ProbeFinding>;
}

/** The probes an agent runs, replaced as a whole by each `probes` message from the hub. */
export interface ProbeRunner {
  assign(message: ProbesMessage): void;
  /** How many probes are scheduled. */
  readonly size: number;
  stop(): void;
}

/**
 * Runs each assigned probe every `intervalSec`, the first run at a random point of the first
 * interval so probes assigned together do not fire together. A run still going when the next is
 * due is not doubled. An assignment identical to the current one keeps the timers as they are
 * (the hub sends it again at every connection).
 */
export function createProbeRunner(deps: ProbeRunnerDeps): ProbeRunner {
  const pingCommand = systemPing();
  const ping: PingDeps = deps.ping ?? { ping: pingCommand, icmp: icmpAllowed(pingCommand) };
  const run = deps.run ?? ((spec, allow) => runProbe(spec, allow, ping));
  let current = '';
  let timers: NodeJS.Timeout[] = [];
  let stopped = false;

  function clear(): void {
    for (const timer of timers) clearTimeout(timer);
    timers = [];
  }

  function schedule(spec: ProbeSpec, allow: ReturnType<typeof createAllowList>): void {
    let running = false;
    const tick = async () => {
      if (running || stopped) return;
      running = true;
      const at = deps.clock();
      try {
        const finding = await run(spec, allow);
        if (!stopped) deps.report({ type: 'probeResult', probeId: spec.id, at, ...finding });
      } catch (error) {
        deps.log.warn('probe run failed', { probe: spec.id, error: (error as Error).message });
      } finally {
        running = false;
      }
    };
    const periodMs = spec.intervalSec * 1000;
    const first = setTimeout(
      () => {
        void tick();
        const every = setInterval(() => void tick(), periodMs);
        every.unref();
        timers.push(every);
      },
      Math.floor(deps.random() * Math.min(periodMs, 10_000)),
    );
    first.unref();
    timers.push(first);
  }

  return {
    assign(message) {
      const key = JSON.stringify({ allow: message.allow, probes: message.probes });
      if (key === current || stopped) return;
      current = key;
      clear();
      const allow = createAllowList(message.allow);
      for (const spec of message.probes) schedule(spec, allow);
      deps.log.info('probes assigned', { probes: message.probes.length, allow: message.allow.length });
    },
    get size() {
      return current === '' ? 0 : (JSON.parse(current) as { probes: unknown[] }).probes.length;
    },
    stop() {
      stopped = true;
      clear();
    },
  };
}
