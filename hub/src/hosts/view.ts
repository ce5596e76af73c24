import type { HostRow } from '../repositories/hosts.js';

/** What names and grades a host (or a device) in the API: where it is, its role and tags. */
export function hostIdentityView(row: HostRow) {
  return {
    id: row.id,
    /** `agent`, or `device` for equipment probed by its site's agents (see /api/v1/devices). */
    kind: row.kind,
    hostname: row.hostname,
    client: row.client,
    site: row.site,
    role: row.role,
    tags: JSON.parse(row.tags) as string[],
  };
}

/** A host as the API shows it: camelCase, booleans, the latest health grouped. */
export function toHostView(row: HostRow) {
  return {
    ...hostIdentityView(row),
    os: {
      platform: row.os_platform,
      distro: row.os_distro,
      release: row.os_release,
      kernel: row.os_kernel,
      arch: row.os_arch,
    },
    agentVersion: row.agent_version,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    online: row.connected === 1,
    /**
     * The host's clock minus the hub's, measured on the newest sample of its last report (while a
     * backlog drains it reads that backlog's age). Samples over 10 minutes ahead are refused.
     */
    clock:
      row.clock_offset_ms === null
        ? null
        : { offsetMs: Number(row.clock_offset_ms), measuredAt: row.clock_offset_at },
    /** Samples refused from this host so far (absurd values, timestamps out of bounds). */
    refusedSamples: Number(row.refused_samples),
    health:
      row.last_sample_at === null
        ? null
        : {
            at: row.last_sample_at,
            /** When the hub received it: the latest health follows arrival, not the agent's clock. */
            receivedAt: row.last_sample_received_at,
            cpuPct: row.cpu_pct,
            memPct: row.mem_pct,
            swapPct: row.swap_pct,
            diskMaxPct: row.disk_max_pct,
            load1: row.load1,
          },
  };
}
export type HostView = ReturnType<typeof toHostView>;
