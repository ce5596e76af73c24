import fs from 'node:fs';
import type { ReadText } from '../deps.js';

/** Files every fast cycle reads: kept open and re-read from offset 0 instead of reopened. */
export const HOT_PROC_FILES: ReadonlySet<string> = new Set([
  '/proc/stat',
  '/proc/loadavg',
  '/proc/uptime',
  '/proc/meminfo',
  '/proc/net/dev',
  '/proc/diskstats',
  '/proc/self/mountinfo',
]);

/** A `ReadText` over real files, with `close()` for the descriptors it keeps open. */
export interface ProcReader {
  readonly readFile: ReadText;
  close(): void;
}

const open = (path: string) =>
  new Promise<number>((resolve, reject) =>
    fs.open(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))),
  );
const pread = (fd: number, buf: Buffer, offset: number, position: number) =>
  new Promise<number>((resolve, reject) =>
    fs.read(fd, buf, offset, buf.length - offset, position, (err, n) => (err ? reject(err) : resolve(n))),
  );

/**
 * Reads /proc files asynchronously at a fraction of `fs.promises.readFile`'s cost: that call
 * makes five thread-pool round trips (open, fstat, read, read, close) per file, while a kept
 * descriptor needs two positional reads (content, then end of file); measured here ≈0.05 ms
 * instead of ≈0.27 ms CPU per file. Concurrent reads of one path share a single read, so the
 * collectors that all want /proc/stat in one cycle cost one read. Other paths go to `fallback`.
 */
export function createProcReader(fallback: ReadText, hot: ReadonlySet<string> = HOT_PROC_FILES): ProcReader {
  const fds = new Map<string, Promise<number>>();
  const inFlight = new Map<string, Promise<string>>();
  const sizeHint = new Map<string, number>();

  async function readHot(path: string): Promise<string> {
    let fdPromise = fds.get(path);
    if (!fdPromise) {
      fdPromise = open(path);
      fds.set(path, fdPromise);
    }
    try {
      const fd = await fdPromise;
      let buf = Buffer.allocUnsafe(sizeHint.get(path) ?? 16 * 1024);
      let length = 0;
      // seq_file may hand out its content in several reads: read until end of file.
      for (;;) {
        if (length === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger);
          buf = bigger;
        }
        const n = await pread(fd, buf, length, length);
        if (n === 0) break;
        length += n;
      }
      sizeHint.set(path, Math.max(buf.length, 1024));
      return buf.toString('utf8', 0, length);
    } catch (err) {
      // A failed descriptor is dropped (and closed) so the next cycle reopens the file.
      fds.delete(path);
      fdPromise.then((fd) => fs.close(fd, () => {})).catch(() => {});
      throw err;
    }
  }

  return {
    readFile(path) {
      if (!hot.has(path)) return fallback(path);
      const pending = inFlight.get(path);
      if (pending) return pending;
      const read = readHot(path).finally(() => inFlight.delete(path));
      inFlight.set(path, read);
      return read;
    },
    close() {
      for (const fd of fds.values()) fd.then((n) => fs.close(n, () => {})).catch(() => {});
      fds.clear();
    },
  };
}
