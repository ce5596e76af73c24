import type { HostRole, OsPlatform } from '@vigie/shared';
import type { Generated } from 'kysely';

/** `agent`: a machine running the agent; `device`: equipment probed over the network by its site's agents. */
export const HOST_KINDS = ['agent', 'device'] as const;
export type HostKind = (typeof HOST_KINDS)[number];

export interface HostsTable {
  id: string;
  hostname: string;
  fingerprint: string;
  client: string;
  site: string;
  role: HostRole;
  /** JSON array of strings. */
  tags: string;
  os_platform: OsPlatform;
  os_distro: string;
  os_release: string;
  os_kernel: string;
  os_arch: string;
  agent_version: string;
  first_seen_at: number;
  last_seen_at: number | null;
  /**
   * Silence is never counted from before this: when the hub could first have heard the host again
   * after it could not (its start; an instance taking over a dead one's agents). Null: never.
   */
  silence_baseline_at: number | null;
  /** Connected right now to this hub (0/1); judged again by the host-silent check. */
  connected: number;
  // Latest health, denormalised from the newest sample so the fleet list is one indexed scan.
  last_sample_at: number | null;
  cpu_pct: number | null;
  mem_pct: number | null;
  swap_pct: number | null;
  disk_max_pct: number | null;
  load1: number | null;
  /** Hub time the sample behind the latest health arrived: health follows arrival, not `at`. */
  last_sample_received_at: number | null;
  /** The host's clock minus the hub's (ms), from the newest sample of its last report. */
  clock_offset_ms: number | null;
  clock_offset_at: number | null;
  /** Samples the hub refused from this host (absurd values, timestamps out of bounds), ever. */
  refused_samples: Generated<number>;
  kind: Generated<HostKind>;
  /** The device in front of this host (a firewall): while it is down, this host's faults are inhibited. */
  behind: string | null;
}
