import * as fs from 'node:fs';
import { join } from 'node:path';
import { decodeRecord, encodeRecord, type SpoolRecord } from './records.js';

// Plain synchronous fs calls: the spool is small, its writes are short appends, and a sync write
// keeps "journaled before sent" a fact of program order instead of a promise chain to get right.

const SEGMENT = /^(\d{12})\.seg$/;

/** File-system calls the spool makes; tests may wrap them to inject failures. */
export type SpoolFs = Pick<
  typeof fs,
  | 'mkdirSync'
  | 'readdirSync'
  | 'readFileSync'
  | 'openSync'
  | 'writeSync'
  | 'fdatasyncSync'
  | 'fsyncSync'
  | 'closeSync'
  | 'renameSync'
  | 'unlinkSync'
>;

export const NODE_FS: SpoolFs = fs;

/** Segment file name for a number; numbers sort as names do. */
export function segmentName(n: number): string {
  return `${String(n).padStart(12, '0')}.seg`;
}

/** Segment numbers in `dir`, ascending; leftovers of an interrupted compaction are deleted. */
export function listSegments(files: SpoolFs, dir: string): number[] {
  const numbers: number[] = [];
  for (const name of files.readdirSync(dir)) {
    const match = SEGMENT.exec(name);
    if (match) numbers.push(Number(match[1]));
    else if (name.endsWith('.tmp')) files.unlinkSync(join(dir, name));
  }
  return numbers.sort((a, b) => a - b);
}

/** The records of one segment; a torn last line (crash mid-append) or damaged line is counted and skipped. */
export function readSegment(files: SpoolFs, path: string): { records: SpoolRecord[]; damaged: number } {
  const records: SpoolRecord[] = [];
  let damaged = 0;
  for (const line of files.readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const record = decodeRecord(line);
    if (record) records.push(record);
    else damaged += 1;
  }
  return { records, damaged };
}

/** Fsync a directory so a rename or unlink in it survives a power cut. */
export function syncDir(files: SpoolFs, dir: string): void {
  const fd = files.openSync(dir, 'r');
  try {
    files.fsyncSync(fd);
  } finally {
    files.closeSync(fd);
  }
}

const WRITE_CHUNK = 1024 * 1024;

/**
 * Write `records` as segment `n` atomically: to a temporary file, fsynced, then renamed. Returns
 * the segment's size. Throws on I/O errors (the spool turns them into a degraded state).
 */
export function writeSegment(files: SpoolFs, dir: string, n: number, records: Iterable<SpoolRecord>): number {
  const tmp = join(dir, `${segmentName(n)}.tmp`);
  const fd = files.openSync(tmp, 'w', 0o600);
  let size = 0;
  try {
    let chunk = '';
    for (const record of records) {
      chunk += encodeRecord(record);
      if (chunk.length >= WRITE_CHUNK) {
        size += files.writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk !== '') size += files.writeSync(fd, chunk);
    files.fsyncSync(fd);
  } finally {
    files.closeSync(fd);
  }
  files.renameSync(tmp, join(dir, segmentName(n)));
  syncDir(files, dir);
  return size;
}
