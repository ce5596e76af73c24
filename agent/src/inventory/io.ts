import { execFile } from 'node:child_process';
import { access, close, open, read, readFile, stat } from '../runtime/fs-async.js';

/** A command's outcome: ran (whatever its exit code), or could not run / did not finish. */
export type ExecResult =
  | { readonly ok: true; readonly code: number; readonly stdout: string }
  | { readonly ok: false; readonly reason: 'missing' | 'timeout' | 'failed'; readonly message: string };

/** The file and process access the software and update collectors need; tests pass fakes. */
export interface InventoryIo {
  /** The file's bytes (at most `maxBytes` from its start), or undefined when it cannot be read. */
  readFile(path: string, maxBytes?: number): Promise<Uint8Array | undefined>;
  exists(path: string): Promise<boolean>;
  /** The file's modification time (epoch ms), or undefined when it cannot be read. */
  mtime(path: string): Promise<number | undefined>;
  exec(file: string, args: readonly string[]): Promise<ExecResult>;
}

// One slow package manager must not hold the inventory for ever; 64 MB covers 50 000 packages.
const EXEC_TIMEOUT_MS = 120_000;
const EXEC_MAX_BUFFER = 64 * 1024 * 1024;

async function readHead(path: string, maxBytes: number): Promise<Uint8Array> {
  const fd = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await read(fd, buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await close(fd);
  }
}

/** The real machine: files read as they are, commands run without a shell in the C locale. */
export const SYSTEM_INVENTORY_IO: InventoryIo = {
  readFile: (path, maxBytes) =>
    (maxBytes === undefined ? readFile(path) : readHead(path, maxBytes)).catch(() => undefined),
  exists: (path) =>
    access(path).then(
      () => true,
      () => false,
    ),
  mtime: (path) =>
    stat(path).then(
      (s) => Math.round(s.mtimeMs),
      () => undefined,
    ),
  exec: (file, args) =>
    new Promise((resolve) => {
      execFile(
        file,
        [...args],
        {
          timeout: EXEC_TIMEOUT_MS,
          maxBuffer: EXEC_MAX_BUFFER,
          env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
          windowsHide: true,
        },
        (error, stdout) => {
          if (!error) return resolve({ ok: true, code: 0, stdout });
          const err = error as NodeJS.ErrnoException & { killed?: boolean };
          if (err.code === 'ENOENT') return resolve({ ok: false, reason: 'missing', message: err.message });
          if (err.killed) return resolve({ ok: false, reason: 'timeout', message: err.message });
          // A non-zero exit is an answer (dnf check-update says 100 for "updates available").
          if (typeof err.code === 'number') return resolve({ ok: true, code: err.code, stdout });
          resolve({ ok: false, reason: 'failed', message: err.message });
        },
      );
    }),
};
