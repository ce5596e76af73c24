/**
 * Every kind of check Vigie knows, where it is evaluated and what kind of fault it reveals.
 * `category` drives level routing (hardware faults go to N2) and the N0 article attached;
 * `where` says whether the agent or the hub evaluates it.
 */
export const CHECK_KINDS = {
  'cpu.busy': { where: 'agent', category: 'performance', label: 'CPU busy' },
  'memory.pressure': { where: 'agent', category: 'performance', label: 'Memory pressure' },
  'swap.pressure': { where: 'agent', category: 'performance', label: 'Swap pressure' },
  'fs.usage': { where: 'agent', category: 'capacity', label: 'Filesystem almost full' },
  'fs.inodes': { where: 'agent', category: 'capacity', label: 'Filesystem out of inodes' },
  'fs.forecast': { where: 'agent', category: 'capacity', label: 'Filesystem full soon' },
  'service.down': { where: 'agent', category: 'service', label: 'Watched service down' },
  'disk.smart': { where: 'agent', category: 'hardware', label: 'Disk failing (SMART)' },
  'temperature.high': { where: 'agent', category: 'hardware', label: 'Temperature too high' },
  'battery.wear': { where: 'agent', category: 'hardware', label: 'Battery worn' },
  'host.reboot': { where: 'agent', category: 'system', label: 'Unexpected reboot' },
  'clock.drift': { where: 'agent', category: 'system', label: 'Clock drift' },
  'host.silent': { where: 'hub', category: 'availability', label: 'Host silent' },
  'site.silent': { where: 'hub', category: 'availability', label: 'Many hosts of a site silent' },
  'security.duplicate-identity': {
    where: 'hub',
    category: 'security',
    label: 'Agent credential used from another machine',
  },
  // A host whose agent the hub keeps closing for its rate or for what it sends (hub/src/identity).
  'security.agent-misbehaving': {
    where: 'hub',
    category: 'security',
    label: 'Agent repeatedly closed for flooding or protocol violations',
  },
  'updates.security': { where: 'hub', category: 'system', label: 'Security updates pending too long' },
  'licence.expiry': { where: 'hub', category: 'asset', label: 'Licence expiring' },
  'licence.compliance': { where: 'hub', category: 'asset', label: 'Licence over-deployed' },
  'warranty.expiry': { where: 'hub', category: 'asset', label: 'Hardware warranty expiring' },
  'antivirus.stale': { where: 'hub', category: 'system', label: 'Antivirus off or signatures stale' },
  // Network probes run by a site's agents, judged on the hub (agreement between agents).
  'probe.down': { where: 'hub', category: 'availability', label: 'Device unreachable (probe failing)' },
  'probe.latency': { where: 'hub', category: 'performance', label: 'Device slow to answer (probe latency)' },
  'tls.expiry': { where: 'hub', category: 'asset', label: 'TLS certificate expiring' },
} as const satisfies Record<string, { where: 'agent' | 'hub'; category: string; label: string }>;

export type CheckKind = keyof typeof CHECK_KINDS;
export type CheckCategory = (typeof CHECK_KINDS)[CheckKind]['category'];

/** True for a check kind this build knows (agents may be newer than the hub). */
export function isCheckKind(value: string): value is CheckKind {
  return Object.hasOwn(CHECK_KINDS, value);
}
