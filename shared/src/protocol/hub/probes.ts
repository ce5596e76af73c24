import { z } from 'zod';
import { allowEntrySchema } from '../probes/allow.js';
import { MAX_PROBES_PER_AGENT, probeSpecSchema } from '../probes/spec.js';

/**
 * The probes this agent runs for devices of its site, and the site's allowlist, which the agent
 * checks again before probing. Sent after `welcome` and whenever an admin changes them, only to
 * agents that announced the `probes` capability; it replaces the previous set (empty: run none).
 */
export const probesMessageSchema = z.object({
  type: z.literal('probes'),
  allow: z.array(allowEntrySchema).max(256),
  probes: z.array(probeSpecSchema).max(MAX_PROBES_PER_AGENT),
});
export type ProbesMessage = z.infer<typeof probesMessageSchema>;
