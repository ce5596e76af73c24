import { join } from 'node:path';
import { z } from 'zod';
import { type ReadJsonResult, readJsonFile, writeJsonFileAtomic } from './json-file.js';

/** What `vigie-agent status` shows about the running agent's link to the hub. */
export const runtimeStatusSchema = z.object({
  pid: z.number().int(),
  startedAt: z.iso.datetime(),
  lastConnectedAt: z.iso.datetime().optional(),
  lastAckAt: z.iso.datetime().optional(),
  policyRevision: z.number().int().min(0).optional(),
});
export type RuntimeStatus = z.infer<typeof runtimeStatusSchema>;

export const STATUS_FILE = 'state.json';

/** state.json in the state directory: written by `run`, read by `status`. */
export interface StatusFile {
  readonly path: string;
  read(): Promise<ReadJsonResult<RuntimeStatus>>;
  write(status: RuntimeStatus): Promise<void>;
}

/** A status file in `stateDir`. */
export function createStatusFile(stateDir: string): StatusFile {
  const path = join(stateDir, STATUS_FILE);
  return {
    path,
    read: () => readJsonFile(path, runtimeStatusSchema),
    write: (status) => writeJsonFileAtomic(path, status),
  };
}
