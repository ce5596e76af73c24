import type { BreachMetric, FaultCommand, FaultKind, FaultTarget } from './fault-command.js';
import { pickDistinct, type Random } from './random.js';
import type { SampleOverrides } from './sample-generator.js';
import type { SimAgent, SimAgentState } from './sim-agent.js';

/** Where a fault came from. */
export type FaultSource = 'schedule' | 'stdin' | 'api';

/** One injection, as logged and listed in the summary: enough to match it with tickets later. */
export interface FaultEvent {
  /** Wall-clock time of the injection (ms since epoch). */
  readonly at: number;
  readonly atIso: string;
  /** Since the simulation started (ms). */
  readonly elapsedMs: number;
  readonly source: FaultSource;
  readonly command: string;
  readonly kind: FaultKind;
  /** How many agents the command asked for, and how many were eligible and hit. */
  readonly requested: number;
  readonly applied: number;
  /**
   * Of those hit, how many an earlier fault had already touched (only when too few untouched agents
   * were left): such a host may already have the incident this fault would open, so no new ticket.
   */
  readonly reused: number;
  readonly hosts: readonly { readonly hostname: string; readonly hostId: string; readonly site: string }[];
}

export interface FaultInjectorDeps {
  readonly agents: readonly SimAgent[];
  readonly random: Random;
  readonly clock: () => number;
  /** Milliseconds since the simulation started. */
  readonly elapsed: () => number;
}

/** Applies fault commands to the fleet and remembers every injection. */
export interface FaultInjector {
  apply(command: FaultCommand, text: string, source: FaultSource): FaultEvent;
  readonly events: readonly FaultEvent[];
}

/** Which agents a fault can act on: killing a dead agent or freezing a frozen one means nothing. */
const ELIGIBLE: Readonly<Record<FaultKind, readonly SimAgentState[]>> = {
  kill: ['ready', 'connecting', 'waiting', 'frozen'],
  freeze: ['ready'],
  breach: ['ready'],
  flap: ['ready'],
  service: ['ready'],
  'site-down': ['ready', 'connecting', 'waiting', 'frozen'],
  revive: ['dead', 'frozen'],
};

function breachOverrides(metric: BreachMetric, value: number): SampleOverrides {
  return { [metric]: value } satisfies Partial<Record<BreachMetric, number>>;
}

function requestedCount(target: FaultTarget, fleetSize: number, eligible: number): number {
  if (target.kind === 'all') return eligible;
  if (target.kind === 'count') return target.count;
  // A share of the whole fleet, so "kill 5%" means the same whatever already happened.
  return Math.max(1, Math.round((target.percent / 100) * fleetSize));
}

/**
 * Creates the injector; targets are drawn from the injected random, so a seed replays them. A fault
 * picks agents no earlier fault touched while enough are left: killing an agent already frozen, or
 * breaching one whose breach is still open, adds an occurrence to an incident already open instead
 * of opening one, and a benchmark matching each fault with a new ticket counted those as misses
 * (21 breaches and 26 kills of 200 each). `revive` aims at faulted agents by definition.
 */
export function createFaultInjector(deps: FaultInjectorDeps): FaultInjector {
  const events: FaultEvent[] = [];
  const touched = new WeakSet<SimAgent>();

  function act(command: FaultCommand, agent: SimAgent): void {
    if (command.kind === 'kill' || command.kind === 'site-down') agent.kill();
    else if (command.kind === 'freeze') agent.freeze();
    else if (command.kind === 'revive') agent.revive();
    else if (command.kind === 'breach')
      agent.breach(breachOverrides(command.metric, command.value), command.forMs);
    else if (command.kind === 'service') agent.serviceDown(command.name, command.fixable, command.forMs);
    else agent.flap(command.check, command.everyMs, command.forMs);
  }

  return {
    events,
    apply(command, text, source) {
      const states = ELIGIBLE[command.kind];
      const eligible = deps.agents.filter(
        (agent) =>
          states.includes(agent.state) &&
          (command.kind !== 'site-down' || agent.identity.site === command.site),
      );
      const requested =
        command.kind === 'site-down'
          ? eligible.length
          : requestedCount(command.target, deps.agents.length, eligible.length);
      const fresh = eligible.filter((agent) => !touched.has(agent));
      const targets =
        command.kind === 'revive' || fresh.length >= requested
          ? pickDistinct(deps.random, command.kind === 'revive' ? eligible : fresh, requested)
          : [
              ...fresh,
              ...pickDistinct(
                deps.random,
                eligible.filter((agent) => touched.has(agent)),
                requested - fresh.length,
              ),
            ];
      const reused = command.kind === 'revive' ? 0 : targets.filter((agent) => touched.has(agent)).length;
      for (const agent of targets) {
        act(command, agent);
        touched.add(agent);
      }
      const at = deps.clock();
      const event: FaultEvent = {
        at,
        atIso: new Date(at).toISOString(),
        elapsedMs: Math.round(deps.elapsed()),
        source,
        command: text,
        kind: command.kind,
        requested,
        applied: targets.length,
        reused,
        hosts: targets.map(({ identity }) => ({
          hostname: identity.hostname,
          hostId: identity.hostId,
          site: identity.site,
        })),
      };
      events.push(event);
      return event;
    },
  };
}
