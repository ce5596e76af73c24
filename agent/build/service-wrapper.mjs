// Copies the Windows service wrapper into agent/dist-bundle/winsw.exe, for the hub to serve beside
// the agent (decision 0022). By default it is the WinSW executable node-windows ships (MIT; the
// exact node-windows version is pinned in agent/package.json); VIGIE_WINSW_PATH names another
// WinSW build instead (a newer WinSW 2.x, say).
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { OUT_DIR, WRAPPER_NAME } from './manifest.mjs';

/** Where the wrapper comes from, and how to say so in the build's output. */
export function wrapperSource(env = process.env) {
  if (env.VIGIE_WINSW_PATH) return { path: env.VIGIE_WINSW_PATH, from: env.VIGIE_WINSW_PATH };
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('node-windows/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8'));
  return { path: join(dirname(packageJson), 'bin', 'winsw', 'winsw.exe'), from: `node-windows@${version}` };
}

/** Copies the wrapper into OUT_DIR; a missing source fails the build rather than the Windows install. */
export function copyServiceWrapper(env = process.env) {
  const source = wrapperSource(env);
  if (!existsSync(source.path)) throw new Error(`no Windows service wrapper at ${source.path}`);
  copyFileSync(source.path, join(OUT_DIR, WRAPPER_NAME));
  return source;
}
