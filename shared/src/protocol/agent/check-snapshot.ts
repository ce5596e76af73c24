import { z } from 'zod';
import { bootId, epochMs, name, optionalName, seq } from '../primitives.js';

/**
 * Capability an agent announces in `hello` and a hub in `welcome` when it speaks `checkSnapshot`.
 * The agent sends snapshots only to a hub that announced it, so an older hub never receives one.
 */
export const CHECK_SNAPSHOT_CAPABILITY = 'checkSnapshot';

/** At most this many checks in one snapshot (each entry is ~200 bytes: far under the frame limit). */
export const MAX_SNAPSHOT_CHECKS = 1000;

/**
 * A check's state as a snapshot states it:
 * - `ok`: read at least once, and no trigger condition is holding;
 * - `pending`: not known to be ok — a trigger condition holds inside its `for` window, or no
 *   reading has come yet (a gap since start). Never a recovery, never a trigger;
 * - `warning` / `critical`: the level reported, a clear under way included (it is not clear yet).
 */
export const SNAPSHOT_CHECK_STATES = ['ok', 'pending', 'warning', 'critical'] as const;
export type SnapshotCheckState = (typeof SNAPSHOT_CHECK_STATES)[number];

export const snapshotCheckSchema = z.object({
  /** Check kind, as in `checkState`. */
  check: name,
  resource: optionalName.optional(),
  state: z.enum(SNAPSHOT_CHECK_STATES),
  /** Last reading of this check (agent clock); the snapshot's `at` when it has none yet. */
  observedAt: epochMs,
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  message: z.string().max(512).optional(),
});
export type SnapshotCheck = z.infer<typeof snapshotCheckSchema>;

/**
 * Every agent-evaluated check the agent runs and its state, sent once after each welcome when the
 * checks have been evaluated since start. `complete: true` says a check it does not list is not
 * running here (removed by the policy, resource gone): the hub recovers what is open for it.
 */
export const checkSnapshotSchema = z.object({
  type: z.literal('checkSnapshot'),
  bootId,
  seq,
  /** When the snapshot was taken (agent clock). */
  at: epochMs,
  complete: z.literal(true),
  checks: z.array(snapshotCheckSchema).max(MAX_SNAPSHOT_CHECKS),
});
export type CheckSnapshotMessage = z.infer<typeof checkSnapshotSchema>;
