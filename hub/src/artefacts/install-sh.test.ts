import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Artefact } from './artefact-store.js';
import { renderInstallSh } from './install-sh.js';

const run = promisify(execFile);
const CJS_SHA = 'a'.repeat(64);
const MJS_SHA = 'c'.repeat(64);

function artefact(name: Artefact['name'], sha256: string): Artefact {
  return {
    name,
    kind: 'script',
    platform: 'any',
    arch: 'any',
    version: '1.2.3',
    size: 10,
    sha256,
    path: `/x/${name}`,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-install-sh-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('install.sh', () => {
  it('fetches the CommonJS build when the hub serves both single-file builds', async () => {
    const script = renderInstallSh({
      hubUrl: 'https://vigie.example.com',
      artefacts: [artefact('vigie-agent.mjs', MJS_SHA), artefact('vigie-agent.cjs', CJS_SHA)],
    });
    expect(script).toContain("BUNDLE='vigie-agent.cjs'");
    expect(script).toContain(`BUNDLE_SHA256='${CJS_SHA}'`);
    await writeFile(join(dir, 'install.sh'), script);
    await run('sh', ['-n', join(dir, 'install.sh')]);
  });

  it('fetches the ES module build from a hub whose agent build is older than the CommonJS one', () => {
    const script = renderInstallSh({
      hubUrl: 'https://vigie.example.com',
      artefacts: [artefact('vigie-agent.mjs', MJS_SHA)],
    });
    expect(script).toContain("BUNDLE='vigie-agent.mjs'");
    expect(script).toContain(`BUNDLE_SHA256='${MJS_SHA}'`);
  });

  it('runs the fetched single-file build with node, and anything else as an executable', () => {
    const script = renderInstallSh({ hubUrl: 'https://vigie.example.com', artefacts: [] });
    expect(script).toContain("BUNDLE=''");
    expect(script).toContain(
      'if [ "$NAME" = "$BUNDLE" ]; then\n  node "$TMP/$NAME" "$@"\nelse\n  "$TMP/$NAME" "$@"',
    );
  });
});
