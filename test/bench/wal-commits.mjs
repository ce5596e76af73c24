// Counts the commits a SQLite database's writer made, and the pages each wrote, from outside the
// process: by reading the frame headers of its write-ahead log (https://sqlite.org/fileformat.html,
// "WAL File Format"). A commit is a run of frames whose last one carries the database size; a frame
// is one page, written once per transaction however often the transaction changed it, so frames per
// commit are the distinct pages the commit dirtied. The hub's metrics are per message (commit
// latency, samples per message); this is what one group commit costs in page writes.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

/**
 * Follow the WAL at `path` across checkpoints: call `poll()` often (every 100 ms is plenty against
 * the hub's 5 s checkpoints), `totals()` for what was seen so far. A restart of the log (after a
 * checkpoint) is noticed by its new salts; the old generation's frames the new one has not yet
 * overwritten are still read, so only the commits written over between two polls are missed.
 */
export function createWalCounter(path) {
  let fd;
  let salts;
  let nextFrame = 0;
  let pagesInTransaction = 0;
  let commits = 0;
  let pages = 0;
  let restarts = 0;
  const header = Buffer.alloc(WAL_HEADER_BYTES);
  const frame = Buffer.alloc(FRAME_HEADER_BYTES);

  /** Read the frames of the generation with these salts from `from`; returns where it stopped. */
  function readFrames(generation, pageSize, size, from) {
    let i = from;
    for (;;) {
      const at = WAL_HEADER_BYTES + i * (FRAME_HEADER_BYTES + pageSize);
      // A frame whose page is not all there yet is read on the next poll.
      if (at + FRAME_HEADER_BYTES + pageSize > size) return i;
      readSync(fd, frame, 0, FRAME_HEADER_BYTES, at);
      if (frame.readUInt32BE(8) !== generation[0] || frame.readUInt32BE(12) !== generation[1]) return i;
      pagesInTransaction += 1;
      if (frame.readUInt32BE(4) !== 0) {
        commits += 1;
        pages += pagesInTransaction;
        pagesInTransaction = 0;
      }
      i += 1;
    }
  }

  return {
    poll() {
      if (fd === undefined) {
        try {
          fd = openSync(path, 'r');
        } catch (error) {
          if (error?.code === 'ENOENT') return;
          throw error;
        }
      }
      const size = fstatSync(fd).size;
      if (size < WAL_HEADER_BYTES) return;
      readSync(fd, header, 0, WAL_HEADER_BYTES, 0);
      const raw = header.readUInt32BE(8);
      const pageSize = raw === 1 ? 65_536 : raw;
      const current = [header.readUInt32BE(16), header.readUInt32BE(20)];
      if (salts && (salts[0] !== current[0] || salts[1] !== current[1])) {
        // The log restarted: what the old generation wrote past our last poll and the new one has
        // not overwritten yet is still there under the old salts.
        readFrames(salts, pageSize, size, nextFrame);
        pagesInTransaction = 0;
        nextFrame = 0;
        restarts += 1;
      }
      salts = current;
      nextFrame = readFrames(salts, pageSize, size, nextFrame);
    },
    /** Commits and the pages they wrote since the counter started; `restarts`: log restarts seen. */
    totals: () => ({ commits, pages, restarts }),
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
