import { randomUUID } from 'node:crypto';
import type { Policy, RemediateMessage } from '@vigie/shared';
import { createLastHeard } from './last-heard.js';
import { createStorageHealth } from './storage-health.js';

/** What the hub needs of a live agent connection to supersede, kick or re-key it. */
export interface LiveSession {
  readonly agentId: string;
  /** The agent's session epoch this socket holds (agent_sessions); a newer one makes it stale. */
  readonly epoch?: number;
  kick(close: 'SUPERSEDED' | 'CREDENTIAL_REVOKED' | 'SERVICE_RESTART'): void;
  /** Rotate the agent's secret now if a rotation is due or requested; resolves true if one was sent. */
  rotate(): Promise<boolean>;
  /** The agent's host (set once authenticated). */
  readonly hostId?: string;
  /** Send the agent its probes again (only agents that announced the capability); true if sent. */
  refreshProbes?(): Promise<boolean>;
  /** Send the agent a new policy (after its welcome, in order with everything else sent to it). */
  sendPolicy?(policy: Policy): void;
  /** Ask for an N0 attempt; present only for agents that announced `remediation` (decision 0029). */
  sendRemediate?(message: RemediateMessage): void;
}

/**
 * The sessions connected to this hub instance, by agent. One per agent: a new connection of the
 * same agent replaces the old one (the agent reconnected before the old socket timed out).
 * It also carries the instance's storage health, which ingest updates and /healthz reads.
 */
export function createLiveSessions(clock: () => number = Date.now, instanceId: string = randomUUID()) {
  const byAgent = new Map<string, LiveSession>();
  let elsewhere: Elsewhere = NOWHERE;
  return {
    storage: createStorageHealth(clock),
    /** When each host connected here last sent a frame (silence counts from it). */
    heard: createLastHeard(clock),
    /** This hub instance, as agent_sessions names it (several instances share PostgreSQL). */
    instanceId,
    /** What the other hub instances are asked to do for their sockets (nothing with one hub). */
    get elsewhere(): Elsewhere {
      return elsewhere;
    },
    /** Set by the cluster (several hubs on PostgreSQL). */
    reachElsewhere(how: Elsewhere): void {
      elsewhere = how;
    },
    /** Register a session; the one it replaces, if any, is kicked. */
    register(session: LiveSession): void {
      const previous = byAgent.get(session.agentId);
      byAgent.set(session.agentId, session);
      if (previous && previous !== session) previous.kick('SUPERSEDED');
    },
    /** Forget a session unless it was already replaced. Returns true if it was the current one. */
    unregister(session: LiveSession): boolean {
      if (byAgent.get(session.agentId) !== session) return false;
      byAgent.delete(session.agentId);
      return true;
    },
    get(agentId: string): LiveSession | undefined {
      return byAgent.get(agentId);
    },
    get size(): number {
      return byAgent.size;
    },
    all(): LiveSession[] {
      return [...byAgent.values()];
    },
  };
}
export type LiveSessions = ReturnType<typeof createLiveSessions>;

/** Requests for the agents connected to other hub instances (cluster/, PostgreSQL). */
export interface Elsewhere {
  /** Send their probe lists again to the agents of these hosts connected elsewhere. */
  refreshProbes(hostIds: readonly string[]): Promise<void>;
  /** Rotate now the secret of these agents, if connected elsewhere (a rotation was requested). */
  rotate(agentIds: readonly string[]): Promise<void>;
}

/** One hub: there is no elsewhere. */
export const NOWHERE: Elsewhere = Object.freeze({ refreshProbes: async () => {}, rotate: async () => {} });
