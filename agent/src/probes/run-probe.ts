import { type AllowList, type ProbeMethod, type ProbeSpec, refusedTargets } from '@vigie/shared';
import { probeDns } from './dns.js';
import { probeHttp } from './http.js';
import type { ProbeFinding } from './outcome.js';
import { type PingDeps, probePing } from './ping.js';
import { probeTcp } from './tcp.js';
import { probeTls } from './tls.js';

const METHOD_OF: Record<ProbeSpec['kind'], ProbeMethod> = {
  ping: 'icmp',
  tcp: 'tcp',
  http: 'http',
  tls: 'tls',
  dns: 'dns',
};

/**
 * Run one probe, after checking its targets against the site's allowlist once more: the hub
 * checked them when the probe was written, but the agent sends the packets, so it decides too.
 * Never throws: whatever goes wrong is a finding.
 */
export async function runProbe(spec: ProbeSpec, allow: AllowList, ping: PingDeps): Promise<ProbeFinding> {
  const refused = refusedTargets(allow, spec);
  if (refused.length > 0)
    return {
      outcome: 'refused',
      method: METHOD_OF[spec.kind],
      latencyMs: null,
      lossPct: 0,
      error: 'TARGET_NOT_ALLOWED',
      message: `${refused.join(', ')} is outside the site's allowlist: not probed`,
    };
  try {
    switch (spec.kind) {
      case 'ping':
        return await probePing(spec, ping);
      case 'tcp':
        return await probeTcp(spec);
      case 'http':
        return await probeHttp(spec);
      case 'tls':
        return await probeTls(spec);
      case 'dns':
        return await probeDns(spec);
    }
  } catch (error) {
    return {
      outcome: 'fail',
      method: METHOD_OF[spec.kind],
      latencyMs: null,
      lossPct: 100,
      error: 'INTERNAL',
      message: (error as Error).message.slice(0, 512),
    };
  }
}
