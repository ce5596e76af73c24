import { z } from 'zod';
import { bootId, seq } from '../primitives.js';

/** Every message of `bootId` up to and including `seq` is committed; the agent may forget them. */
export const ackSchema = z.object({
  type: z.literal('ack'),
  bootId,
  seq,
});
export type AckMessage = z.infer<typeof ackSchema>;
