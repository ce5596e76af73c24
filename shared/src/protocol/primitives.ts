import { z } from 'zod';
import { LIMITS } from './limits.js';

// Building blocks shared by the message schemas. Strings are bounded, never rewritten: what an
// agent sends is stored verbatim and escaped where it is shown.

export const name = z.string().min(1).max(LIMITS.maxNameLength);
export const optionalName = z.string().max(LIMITS.maxNameLength);
export const path = z.string().min(1).max(LIMITS.maxPathLength);
export const text = z.string().max(LIMITS.maxTextLength);
/** Milliseconds since the Unix epoch, on the sender's clock. */
export const epochMs = z.number().int().min(0).max(8.64e15);
export const percent = z.number().min(0).max(100);
// Physical ceilings, far above any real machine yet far below what breaks sums and charts (1e308):
// 2^60 bytes is an exbibyte, counters stay exact integers, a rate is at most a petabyte a second.
export const bytes = z
  .number()
  .min(0)
  .max(2 ** 60);
export const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const rate = z.number().min(0).max(1e15);
/** A load average: runnable threads, at most a million (a real 1 000-core box stays in thousands). */
export const loadAverage = z.number().min(0).max(1e6);
export const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.maxListItems);

/** A boot of the agent process; with `seq` it identifies every data message uniquely. */
export const bootId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
/** Per-boot sequence number, starting at 1 and contiguous. */
export const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const fingerprint = z
  .string()
  .min(16)
  .max(128)
  .regex(/^[A-Za-z0-9:_-]+$/);
export const agentId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
