// The agent footprint's baseline: Debian's prometheus-node-exporter, fetched with
// `apt-get download` into bench/cache/ (gitignored) and extracted with `dpkg-deb -x`, never
// installed. Run on loopback and scraped at the agent's interval.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startCli } from './proc.mjs';

/** The extracted binary, downloading it first if needed; `{ error }` says why it is not there. */
export function nodeExporterBinary(cacheDir) {
  const root = join(cacheDir, 'node-exporter');
  const binary = join(root, 'usr', 'bin', 'prometheus-node-exporter');
  if (existsSync(binary)) return { binary, version: debVersion(cacheDir) };
  mkdirSync(cacheDir, { recursive: true });
  try {
    if (!debFile(cacheDir)) {
      execFileSync('apt-get', ['download', 'prometheus-node-exporter'], { cwd: cacheDir, stdio: 'pipe' });
    }
    execFileSync('dpkg-deb', ['-x', join(cacheDir, debFile(cacheDir)), root], { stdio: 'pipe' });
  } catch (error) {
    const detail = error instanceof Error ? `${error.message}\n${error.stderr ?? ''}` : String(error);
    return { error: `could not fetch prometheus-node-exporter: ${detail.trim().slice(0, 400)}` };
  }
  return existsSync(binary)
    ? { binary, version: debVersion(cacheDir) }
    : { error: `no ${binary} in the package` };
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
