import { z } from 'zod';
import { text } from '../primitives.js';

/** A non-fatal complaint about one message (fatal ones close the socket with a close code). */
export const errorMessageSchema = z.object({
  type: z.literal('error'),
  code: z.string().min(1).max(64),
  message: text,
  seq: z.number().int().min(0).optional(),
});
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
