// The agent footprint's anchor: Debian's prometheus-node-exporter. The installed binary when there
// is one; otherwise `apt-get install` (as root), or, without root, `apt-get download` into
// bench/cache/ (gitignored) and `dpkg-deb -x`. Where apt is not available the anchor is skipped with
// a message saying so. Run on loopback and scraped at the agent's interval.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startCli } from './proc.mjs';

const INSTALLED = '/usr/bin/prometheus-node-exporter';

/** The binary and its version, installing it first if needed; `{ error }` says why it is not there. */
export function nodeExporterBinary(cacheDir) {
  if (existsSync(INSTALLED)) return { binary: INSTALLED, version: installedVersion(), source: 'installed' };
  if (!onPath('apt-get'))
    return { error: 'apt-get is not available on this machine: node_exporter anchor skipped' };
  if (process.getuid?.() === 0) {
    try {
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus-node-exporter'], {
        stdio: 'pipe',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      // The package starts its service: the bench runs its own copy on a free port, so stop that one.
      execFileSync('sh', ['-c', 'systemctl stop prometheus-node-exporter 2>/dev/null || true'], {
        stdio: 'pipe',
      });
      if (existsSync(INSTALLED))
        return { binary: INSTALLED, version: installedVersion(), source: 'apt-get install' };
    } catch (error) {
      return { error: `apt-get install prometheus-node-exporter failed: ${detailOf(error)}` };
    }
  }
  const root = join(cacheDir, 'node-exporter');
  const binary = join(root, 'usr', 'bin', 'prometheus-node-exporter');
  if (existsSync(binary)) return { binary, version: debVersion(cacheDir), source: 'bench/cache' };
  mkdirSync(cacheDir, { recursive: true });
  try {
    if (!debFile(cacheDir)) {
      execFileSync('apt-get', ['download', 'prometheus-node-exporter'], { cwd: cacheDir, stdio: 'pipe' });
    }
    execFileSync('dpkg-deb', ['-x', join(cacheDir, debFile(cacheDir)), root], { stdio: 'pipe' });
  } catch (error) {
    return { error: `could not fetch prometheus-node-exporter: ${detailOf(error)}` };
  }
  return existsSync(binary)
    ? { binary, version: debVersion(cacheDir), source: 'apt-get download' }
    : { error: `no ${binary} in the package` };
}

const detailOf = (error) =>
  (error instanceof Error ? `${error.message}\n${error.stderr ?? ''}` : String(error)).trim().slice(0, 400);

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function installedVersion() {
  try {
    return execFileSync('dpkg-query', ['-W', `-f=\${Version}`, 'prometheus-node-exporter'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

function debFile(cacheDir) {
  return readdirSync(cacheDir).find((f) => f.startsWith('prometheus-node-exporter_') && f.endsWith('.deb'));
}

function debVersion(cacheDir) {
  return debFile(cacheDir)?.split('_')[1] ?? 'unknown';
}

/** A free loopback port (the exporter has no "port 0"). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Start the exporter (behind `prefix`, e.g. taskset) on a free loopback port. */
export async function startNodeExporter(prefix, binary) {
  const port = await freePort();
  const [cmd, ...rest] = [...prefix, binary, `--web.listen-address=127.0.0.1:${port}`];
  const proc = startCli([], cmd, rest, { raw: true });
  return { proc, url: `http://127.0.0.1:${port}/metrics` };
}

/** One scrape, as Prometheus would: the whole body read. Returns its size in bytes. */
export async function scrape(url) {
  const res = await fetch(url);
  return (await res.arrayBuffer()).byteLength;
}
