import { z } from 'zod';

/** At most this many tags per host, each a short word: they are matched, not read. */
export const MAX_HOST_TAGS = 32;

const hostTag = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u, 'letters, digits and . _ : / - only');

/**
 * A host's or device's tags as an admin gives them, duplicates dropped. `production`,
 * `infrastructure` and `vip` are the criticality tags the incident engine's impact and routing
 * rules read (incidents/engine/settings.ts); any other tag is free.
 */
export const hostTags = z
  .array(hostTag)
  .max(MAX_HOST_TAGS)
  .transform((tags) => [...new Set(tags)]);
