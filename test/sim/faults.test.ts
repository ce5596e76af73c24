import { describe, expect, it } from 'vitest';
import { parseFaultCommand } from './fault-command.js';
import { createFaultInjector } from './faults.js';
import { planFleet } from './fleet-plan.js';
import { createRandom } from './random.js';
import type { SimAgent, SimAgentState } from './sim-agent.js';

/** An agent that only changes state, as the real one does when a fault hits it. */
const servicesDown = new Map<string, { name: string; fixable: boolean; forMs: number }>();

function fakeAgent(index: number, plan: ReturnType<typeof planFleet>[number]): SimAgent {
  let state: SimAgentState = 'ready';
  return {
    identity: { ...plan, agentId: `agent-${index}`, secret: 's'.repeat(32), hostId: `host-${index}` },
    get state() {
      return state;
    },
    start: () => {},
    kill: () => {
      state = 'dead';
    },
    freeze: () => {
      state = 'frozen';
    },
    revive: () => {
      state = 'ready';
    },
    breach: () => {},
    serviceDown: (name, fixable, forMs) => {
      servicesDown.set(`host-${index}`, { name, fixable, forMs });
    },
    flap: () => {},
    stop: async () => {},
  };
}

function injector(agents: number, seed: number) {
  const fleet = planFleet('faults', agents, 2).map((plan, i) => fakeAgent(i, plan));
  return createFaultInjector({ agents: fleet, random: createRandom(seed), clock: () => 0, elapsed: () => 0 });
}

const command = (text: string) => {
  const parsed = parseFaultCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

describe('fault injector', () => {
  it('never hits an agent an earlier fault touched while untouched agents remain', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const faults = injector(30, seed);
      const hit = new Set<string>();
      for (const text of ['breach 5 cpu=99', 'freeze 5', 'kill 5', 'breach 5 cpu=99', 'kill 5', 'freeze 5']) {
        const event = faults.apply(command(text), text, 'api');
        expect(event.applied).toBe(5);
        expect(event.reused).toBe(0);
        for (const host of event.hosts) {
          expect(hit.has(host.hostId), `${text} hit ${host.hostId} again (seed ${seed})`).toBe(false);
          hit.add(host.hostId);
        }
      }
    }
  });

  it('reuses touched agents only for what the untouched ones cannot cover, and says how many', () => {
    const faults = injector(8, 9);
    faults.apply(command('breach 6 cpu=99'), 'breach', 'api');
    const kill = faults.apply(command('kill 4'), 'kill', 'api');
    expect(kill.applied).toBe(4);
    expect(kill.reused).toBe(2);
  });

  it('takes the named service down on untouched running agents, fixable or not as told', () => {
    servicesDown.clear();
    const faults = injector(12, 6);
    const killed = faults.apply(command('kill 4'), 'kill', 'api');
    const fixable = faults.apply(command('service 3 name=web'), 'service', 'api');
    const unfixable = faults.apply(command('service 3 name=db fix=no for=1m'), 'service', 'api');
    expect([fixable.applied, unfixable.applied, fixable.reused + unfixable.reused]).toEqual([3, 3, 0]);
    const down = (event: typeof fixable) => event.hosts.map((h) => servicesDown.get(h.hostId));
    expect(down(fixable)).toEqual(Array(3).fill({ name: 'web', fixable: true, forMs: 300_000 }));
    expect(down(unfixable)).toEqual(Array(3).fill({ name: 'db', fixable: false, forMs: 60_000 }));
    expect(killed.hosts.some((h) => servicesDown.has(h.hostId))).toBe(false);
  });

  it('revives the agents a fault stopped', () => {
    const faults = injector(10, 4);
    const killed = faults.apply(command('kill 3'), 'kill', 'api');
    const revived = faults.apply(command('revive all'), 'revive', 'api');
    expect(new Set(revived.hosts.map((h) => h.hostId))).toEqual(new Set(killed.hosts.map((h) => h.hostId)));
    expect(revived.reused).toBe(0);
  });
});
