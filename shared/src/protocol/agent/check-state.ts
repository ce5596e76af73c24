import { z } from 'zod';
import { CHECK_STATES } from '../../domain/check-state.js';
import { bootId, epochMs, name, optionalName, seq, text } from '../primitives.js';

/** A local check changed state. Sent at once, never batched behind metrics. */
export const checkStateSchema = z.object({
  type: z.literal('checkState'),
  bootId,
  seq,
  at: epochMs,
  /** Check kind, e.g. `cpu.busy`, `fs.usage`, `service.down`. */
  check: name,
  /** What the check is about when it applies to several things (a mount point, a service). */
  resource: optionalName.optional(),
  state: z.enum(CHECK_STATES),
  previous: z.enum(CHECK_STATES),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  message: text.optional(),
});
export type CheckStateMessage = z.infer<typeof checkStateSchema>;
