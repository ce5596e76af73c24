#!/usr/bin/env node
// Bundles the agent CLI into single files that run on a stock Node >= 20 with no node_modules:
// every dependency is inlined (none is native), and a manifest (version, size, sha256 of each
// artefact) lets the hub serve and installers verify them.
//   agent/dist-bundle/vigie-agent.cjs  CommonJS: what installers install (decision 0043: an ES module
//                                      entry keeps Node's module loader resident, ~0.7 MiB of RSS)
//   agent/dist-bundle/vigie-agent.mjs  the same CLI as an ES module, for agents installed as
//                                      vigie-agent.mjs before, which update to the file they run
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { COMMON_OPTIONS, commonJsEntry } from './bundle-options.mjs';
import { BUNDLE_NAME, MODULE_BUNDLE_NAME, OUT_DIR, writeManifest } from './manifest.mjs';
import { copyServiceWrapper } from './service-wrapper.mjs';

const agentDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(agentDir, 'package.json'), 'utf8'));

const commonJs = commonJsEntry(agentDir, "require('node:url').pathToFileURL(__filename).href");
await build({
  ...COMMON_OPTIONS,
  ...commonJs,
  outfile: join(OUT_DIR, BUNDLE_NAME),
  banner: { js: `#!/usr/bin/env node\n${commonJs.banner.js}` },
});
await build({
  ...COMMON_OPTIONS,
  entryPoints: [join(agentDir, 'src/cli/main.ts')],
  outfile: join(OUT_DIR, MODULE_BUNDLE_NAME),
  format: 'esm',
  // CommonJS dependencies (systeminformation, zod's on-demand build) call require() for Node
  // built-ins, which an ES module lacks; createRequire gives them one.
  banner: {
    js: `#!/usr/bin/env node\nimport { createRequire as __vigieCreateRequire } from 'node:module';\nconst require = __vigieCreateRequire(import.meta.url);`,
  },
});

for (const name of [BUNDLE_NAME, MODULE_BUNDLE_NAME]) {
  // V8 keeps the bundle's source in memory for lazy compilation, as Latin-1 (1 byte a character) unless
  // one character is above U+00FF, when the whole 1.4 MB becomes UTF-16: 1.4 MiB more heap for one
  // character esbuild leaves unescaped (it does not escape regular expression literals).
  const source = readFileSync(join(OUT_DIR, name), 'utf8');
  const wide = [...source].findIndex((c) => c.charCodeAt(0) > 0xff);
  if (wide >= 0) {
    const around = source.slice(Math.max(0, wide - 40), wide + 10);
    throw new Error(`${name} has a character above U+00FF (escape it in the source): …${around}…`);
  }
  // The version is baked into the source (version.ts, kept equal to package.json by a test); check
  // the bundle says the same before publishing it.
  const reported = execFileSync(process.execPath, [join(OUT_DIR, name), '--version'], {
    encoding: 'utf8',
  }).trim();
  if (reported !== version)
    throw new Error(`${name} reports version ${reported}, package.json says ${version}`);
}
const wrapper = copyServiceWrapper();
const manifest = writeManifest(version);
for (const name of [BUNDLE_NAME, MODULE_BUNDLE_NAME]) {
  const entry = manifest.artefacts.find((artefact) => artefact.name === name);
  console.log(`${name} ${version}: ${(entry.size / 1024).toFixed(0)} KiB, sha256 ${entry.sha256}`);
}
console.log(`winsw.exe from ${wrapper.from}`);
