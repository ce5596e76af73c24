import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, realpathSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small tmpfs the test mounted, to fill and empty while a real agent watches it. */
export interface MountedTmpfs {
  /** The mount point, as /proc/self/mountinfo shows it (symlinks resolved). */
  readonly path: string;
  /** Used % as the agent computes it: used / (used + available). */
  usedPct(): number;
  /** Write one more file so that used % reaches at least `pct` (synchronously: the next statfs sees it). */
  fillTo(pct: number): void;
  /** Delete every file written. */
  empty(): void;
  /** Lazy unmount (`umount -l`): works even while something still has the mount open. */
  unmount(): Promise<void>;
}

const mounted = new Set<MountedTmpfs>();

/**
 * Mount a tmpfs of `sizeBytes` on `dir` (created if missing). Needs root, as CI has: the mount is
 * visible machine-wide, so the test's agent sees it like any other filesystem.
 */
export async function mountTmpfs(dir: string, sizeBytes: number): Promise<MountedTmpfs> {
  mkdirSync(dir, { recursive: true });
  const path = realpathSync(dir);
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'vigie-e2e', path]);
  } catch (error) {
    throw new Error(`cannot mount a tmpfs on ${path} (these scenarios need root): ${String(error)}`);
  }
  let fileSeq = 0;
  const usage = () => {
    const s = statfsSync(path);
    const used = (s.blocks - s.bfree) * s.bsize;
    return { used, total: used + s.bavail * s.bsize };
  };
  const fs: MountedTmpfs = {
    path,
    usedPct() {
      const { used, total } = usage();
      return (100 * used) / total;
    },
    fillTo(pct) {
      const { used, total } = usage();
      const missing = Math.ceil((pct / 100) * total) - used;
      if (missing <= 0) return;
      fileSeq += 1;
      writeFileSync(join(path, `fill-${fileSeq}.bin`), Buffer.alloc(missing, 0xa5));
    },
    empty() {
      for (const name of readdirSync(path)) rmSync(join(path, name), { force: true });
    },
    async unmount() {
      if (!mounted.delete(fs)) return;
      await run('umount', ['-l', path]);
    },
  };
  mounted.add(fs);
  return fs;
}

/** Unmount every tmpfs the current test file mounted (for afterEach, also after a failure). */
export async function unmountAll(): Promise<void> {
  await Promise.all([...mounted].map((fs) => fs.unmount()));
}
