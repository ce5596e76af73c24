import type { RuntimeStatus } from '../credentials/status-file.js';
import type { Log } from '../logger.js';

/** How often state.json is refreshed on acks; connects always write it. */
const STATUS_WRITE_EVERY_MS = 30_000;

/** What state.json says about the running agent (`vigie-agent status` reads it). */
export interface StatusReporter {
  /** A welcome arrived: note it and write at once. */
  connected(): void;
  /** An ack arrived: note it, written at most every 30 s. */
  acked(): void;
  /** Writes now; never rejects (a failure is logged). */
  write(): Promise<void>;
}

export interface StatusReporterDeps {
  readonly writeStatus?: (status: RuntimeStatus) => Promise<void>;
  readonly policyRevision: () => number;
  readonly log: Log;
  readonly clock: () => number;
  readonly pid: number;
}

/** Keeps the runtime status and writes it through `writeStatus` (nothing without one). */
export function createStatusReporter(deps: StatusReporterDeps): StatusReporter {
  const { log, clock } = deps;
  const status: RuntimeStatus = { pid: deps.pid, startedAt: new Date(clock()).toISOString() };
  let lastWrite = 0;

  function write(): Promise<void> {
    if (!deps.writeStatus) return Promise.resolve();
    lastWrite = clock();
    return deps.writeStatus({ ...status, policyRevision: deps.policyRevision() }).catch((error: Error) => {
      log.warn('cannot write the status file', { error: error.message });
    });
  }

  return {
    connected() {
      status.lastConnectedAt = new Date(clock()).toISOString();
      void write();
    },
    acked() {
      status.lastAckAt = new Date(clock()).toISOString();
      if (clock() - lastWrite >= STATUS_WRITE_EVERY_MS) void write();
    },
    write,
  };
}
