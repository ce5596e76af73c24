import { z } from 'zod';
import { bootId, epochMs, seq } from '../primitives.js';
import { probeId } from '../probes/spec.js';

/** `refused`: the agent's own allowlist check stopped the probe; it says nothing about the device. */
export const PROBE_OUTCOMES = ['ok', 'fail', 'refused'] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];
/** How the probe was run: `tcp` for a ping where ICMP was not allowed. */
export const PROBE_METHODS = ['icmp', 'tcp', 'http', 'tls', 'dns'] as const;
export type ProbeMethod = (typeof PROBE_METHODS)[number];

/** One run of one probe, as the agent saw it; the hub judges it (durations, agreement, stages). */
export const probeResultSchema = z.object({
  type: z.literal('probeResult'),
  bootId,
  seq,
  probeId,
  /** When the run started (agent clock). */
  at: epochMs,
  outcome: z.enum(PROBE_OUTCOMES),
  method: z.enum(PROBE_METHODS),
  /** Round trip (average for a ping), null when nothing answered. */
  latencyMs: z.number().min(0).max(600_000).nullable(),
  /** Share of attempts unanswered: 0 or 100 except for a ping of several echoes. */
  lossPct: z.number().min(0).max(100),
  /** HTTP status received. */
  status: z.number().int().min(100).max(599).optional(),
  /** End of validity of the certificate presented (tls, https). */
  certNotAfter: epochMs.optional(),
  /** Addresses a DNS probe got. */
  addresses: z.array(z.string().min(1).max(64)).max(32).optional(),
  /** Why it failed, as a short code (`ECONNREFUSED`, `TIMEOUT`, `STATUS`, `BODY_MISMATCH`, …). */
  error: z.string().min(1).max(64).optional(),
  message: z.string().max(512).optional(),
});
export type ProbeResultMessage = z.infer<typeof probeResultSchema>;
