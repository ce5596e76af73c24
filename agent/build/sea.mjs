#!/usr/bin/env node
// Builds the Linux x64 single executable, agent/dist-bundle/vigie-agent-linux-x64: this Node binary
// with the agent injected as a Single Executable Application blob (Node 20: the blob's main must be
// CommonJS, hence a second bundle). Needs no Node on the target machine. Slow-ish and ~100 MB, so it
// is an explicit script (`npm run sea -w agent`), not part of every build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { COMMON_OPTIONS, commonJsEntry } from './bundle-options.mjs';
import { OUT_DIR, SEA_NAME, writeManifest } from './manifest.mjs';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`sea.mjs builds the linux-x64 executable only (this is ${process.platform}-${process.arch})`);
  process.exit(1);
}
const agentDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(agentDir, 'package.json'), 'utf8'));
const work = `${process.env.VIGIE_SEA_OUT ?? join(OUT_DIR, SEA_NAME)}.work`;
mkdirSync(work, { recursive: true });
mkdirSync(OUT_DIR, { recursive: true });

await build({
  ...COMMON_OPTIONS,
  // In a single executable the executable stands for the file.
  ...commonJsEntry(agentDir, "require('node:url').pathToFileURL(process.execPath).href"),
  outfile: join(work, 'vigie-agent.cjs'),
});

const blob = join(work, 'sea-prep.blob');
writeFileSync(
  join(work, 'sea-config.json'),
  JSON.stringify({ main: join(work, 'vigie-agent.cjs'), output: blob, disableExperimentalSEAWarning: true }),
);
execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {
  stdio: 'inherit',
});
// VIGIE_SEA_OUT builds elsewhere (tests) and leaves the manifest alone.
const binary = process.env.VIGIE_SEA_OUT ?? join(OUT_DIR, SEA_NAME);
rmSync(binary, { force: true });
copyFileSync(process.execPath, binary);
const postject = join(agentDir, '..', 'node_modules', 'postject', 'dist', 'cli.js');
execFileSync(
  process.execPath,
  [
    postject,
    binary,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  { stdio: 'inherit' },
);
rmSync(work, { recursive: true, force: true });

const reported = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
if (reported !== version)
  throw new Error(`executable reports version ${reported}, package.json says ${version}`);
if (!process.env.VIGIE_SEA_OUT) writeManifest(version);
console.log(`${binary} ${version}: ${(statSync(binary).size / 1048576).toFixed(1)} MiB`);
