import type { AgentDeps } from '../runtime/agent.js';

/** Who an in-process test agent is and which hub it reports to: a Debian server, `srv-01`. */
export function testAgentIdentity(
  hubUrl: string,
): Pick<AgentDeps<unknown>, 'hubUrl' | 'credentials' | 'fingerprint' | 'host' | 'agentVersion'> {
  return {
    hubUrl,
    credentials: { agentId: 'agt_0123456789', secret: 's'.repeat(32) },
    fingerprint: 'f'.repeat(64),
    host: {
      hostname: 'srv-01',
      os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
    },
    agentVersion: '0.1.0',
  };
}
