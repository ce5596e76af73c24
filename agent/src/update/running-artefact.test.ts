import type { AnnouncedArtefact } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { matchingArtefact, runningArtefact } from './running-artefact.js';

const HOST = { isSea: false, execPath: '/usr/bin/node', platform: 'linux', arch: 'x64' } as const;

function announced(
  name: string,
  kind: 'script' | 'binary',
  platform = 'any',
  arch = 'any',
): AnnouncedArtefact {
  return {
    name,
    kind,
    platform,
    arch,
    size: 10,
    sha256: 'a'.repeat(64),
    url: `/downloads/${name}`,
    signature: 's',
  };
}

describe('runningArtefact', () => {
  it.each(['/opt/vigie-agent/vigie-agent.cjs', '/opt/vigie-agent/vigie-agent.mjs'])(
    'takes the single-file build %s for an artefact it may replace',
    (script) => {
      expect(runningArtefact({ ...HOST, script })).toEqual({
        kind: 'script',
        path: script,
        platform: 'linux',
        arch: 'x64',
      });
    },
  );

  it('leaves a development checkout alone', () => {
    expect(runningArtefact({ ...HOST, script: '/src/agent/bin/vigie-agent.js' })).toBeUndefined();
  });
});

describe('matchingArtefact', () => {
  // The hub announces the ES module first: agents before decision 0043 update to the first script.
  const both = [announced('vigie-agent.mjs', 'script'), announced('vigie-agent.cjs', 'script')];

  it('replaces a CommonJS install with the CommonJS build, even when the ES module is announced first', () => {
    const running = runningArtefact({ ...HOST, script: '/opt/vigie-agent/vigie-agent.cjs' });
    expect(running && matchingArtefact(running, both)?.name).toBe('vigie-agent.cjs');
  });

  it('replaces an ES module install (its service names the .mjs file) with the ES module build', () => {
    const running = runningArtefact({ ...HOST, script: '/opt/vigie-agent/vigie-agent.mjs' });
    expect(running && matchingArtefact(running, [...both].reverse())?.name).toBe('vigie-agent.mjs');
  });

  it('finds nothing for a script whose build the hub does not serve', () => {
    const running = runningArtefact({ ...HOST, script: '/opt/vigie-agent/vigie-agent.cjs' });
    expect(running && matchingArtefact(running, [announced('vigie-agent.mjs', 'script')])).toBeUndefined();
  });

  it('replaces the single executable with the one of its platform', () => {
    const running = runningArtefact({ ...HOST, isSea: true, script: undefined });
    const binaries = [
      announced('vigie-agent-linux-arm64', 'binary', 'linux', 'arm64'),
      announced('vigie-agent-linux-x64', 'binary', 'linux', 'x64'),
    ];
    expect(running && matchingArtefact(running, [...both, ...binaries])?.name).toBe('vigie-agent-linux-x64');
  });
});
