/** What the hub needs of a live agent connection to supersede or kick it. */
export interface LiveSession {
  readonly agentId: string;
  kick(close: 'SUPERSEDED' | 'CREDENTIAL_REVOKED' | 'SERVICE_RESTART'): void;
}

/**
 * The sessions connected to this hub instance, by agent. One per agent: a new connection of the
 * same agent replaces the old one (the agent reconnected before the old socket timed out).
 */
export function createLiveSessions() {
  const byAgent = new Map<string, LiveSession>();
  return {
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
