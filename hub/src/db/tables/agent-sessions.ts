/**
 * Which hub instance holds each agent's socket. `epoch` grows with every connection of the agent,
 * whichever instance takes it; the holder of an older epoch is stale.
 */
export interface AgentSessionsTable {
  agent_id: string;
  host_id: string;
  epoch: number;
  instance_id: string;
  connected_at: number;
  disconnected_at: number | null;
}
