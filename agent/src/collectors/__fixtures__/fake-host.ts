import { readFileSync } from 'node:fs';
import type { ReadDir, ReadText } from '../deps.js';

// Test support: recorded /proc and /sys contents served through the collectors' injected
// readFile/readdir, so each test states exactly which files "exist" on its host.

/** Contents of a recorded fixture file under __fixtures__/. */
export function fixture(name: string): string {
  return readFileSync(new URL(name, import.meta.url), 'utf8');
}

/** A JSON fixture, typed by the caller. */
export function jsonFixture<T>(name: string): T {
  return JSON.parse(fixture(name)) as T;
}

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/** A mutable fake host: `files` maps paths to contents; directories are derived from the paths. */
export function fakeHost(files: Record<string, string>): {
  readFile: ReadText;
  readdir: ReadDir;
  files: Record<string, string>;
} {
  return {
    files,
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw enoent(path);
      return text;
    },
    readdir: async (path) => {
      const prefix = `${path}/`;
      const names = new Set<string>();
      for (const p of Object.keys(files))
        if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0] ?? '');
      if (names.size === 0) throw enoent(path);
      return [...names];
    },
  };
}

/** A clock tests move by hand. */
export function manualClock(start = 1_800_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** The /proc files recorded on the reference machine (first reading of each counter file). */
export function recordedProc(): Record<string, string> {
  return {
    '/proc/stat': fixture('linux/stat-1.txt'),
    '/proc/loadavg': fixture('linux/loadavg.txt'),
    '/proc/uptime': fixture('linux/uptime.txt'),
    '/proc/meminfo': fixture('linux/meminfo.txt'),
    '/proc/self/mountinfo': fixture('linux/mountinfo.txt'),
    '/proc/diskstats': fixture('linux/diskstats-1.txt'),
    '/proc/net/dev': fixture('linux/net-dev-1.txt'),
    '/proc/5832/stat': fixture('linux/pid-stat.txt'),
    '/proc/5832/status': fixture('linux/pid-status.txt'),
    '/etc/passwd': fixture('linux/passwd.txt'),
  };
}
