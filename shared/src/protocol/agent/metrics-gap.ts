import { z } from 'zod';
import { bootId, count, epochMs, seq } from '../primitives.js';

/**
 * Samples the agent dropped from its spool (oldest first, over its bounds) before they could be
 * sent: the time range they covered and how many. A chart shows "no data" there, not "all quiet".
 */
export const metricsGapSchema = z
  .object({
    type: z.literal('metricsGap'),
    bootId,
    seq,
    /** `at` of the oldest dropped sample. */
    from: epochMs,
    /** `at` of the newest dropped sample. */
    to: epochMs,
    count: count.min(1),
  })
  .refine((gap) => gap.from <= gap.to, { message: '`from` must not be after `to`', path: ['from'] });
export type MetricsGapMessage = z.infer<typeof metricsGapSchema>;
