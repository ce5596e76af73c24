import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { bootId, seq } from '../primitives.js';
import { sampleSchema } from '../sample.js';

/** A batch of samples: one per collection cycle, several when a backlog drains. */
export const metricsSchema = z.object({
  type: z.literal('metrics'),
  bootId,
  seq,
  samples: z.array(sampleSchema).min(1).max(LIMITS.maxSamplesPerBatch),
});
export type MetricsMessage = z.infer<typeof metricsSchema>;
