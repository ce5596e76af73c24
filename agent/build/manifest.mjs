// agent/dist-bundle/manifest.json: what the hub serves (name, version, size, sha256 per artefact).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-bundle');
/** The single-file build installers install (CommonJS, decision 0043). */
export const BUNDLE_NAME = 'vigie-agent.cjs';
/** The same build as an ES module, for agents installed as vigie-agent.mjs before 0043. */
export const MODULE_BUNDLE_NAME = 'vigie-agent.mjs';
export const SEA_NAME = 'vigie-agent-linux-x64';
/** WinSW, which runs the agent as a Windows service; not an agent, so never offered as an update. */
export const WRAPPER_NAME = 'winsw.exe';

const KINDS = {
  [MODULE_BUNDLE_NAME]: { kind: 'script', platform: 'any', arch: 'any' },
  [BUNDLE_NAME]: { kind: 'script', platform: 'any', arch: 'any' },
  [SEA_NAME]: { kind: 'binary', platform: 'linux', arch: 'x64' },
  [WRAPPER_NAME]: { kind: 'service-wrapper', platform: 'win32', arch: 'any' },
};

/** Rewrites the manifest for `version`, listing every artefact present in OUT_DIR. */
export function writeManifest(version) {
  mkdirSync(OUT_DIR, { recursive: true });
  const artefacts = Object.entries(KINDS)
    .filter(([name]) => existsSync(join(OUT_DIR, name)))
    .map(([name, kind]) => {
      const bytes = readFileSync(join(OUT_DIR, name));
      return {
        name,
        ...kind,
        size: statSync(join(OUT_DIR, name)).size,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    });
  const manifest = { version, builtAt: new Date().toISOString(), artefacts };
  writeFileSync(join(OUT_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
