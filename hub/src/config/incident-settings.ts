import { readFileSync } from 'node:fs';
import { SUPPORT_LEVELS } from '@vigie/shared';
import { z } from 'zod';
import {
  DEFAULT_INCIDENT_SETTINGS,
  type IncidentSettings,
  type Scale,
} from '../incidents/engine/settings.js';

const scale = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);
const row = z.object({ 1: scale, 2: scale, 3: scale, 4: scale, 5: scale });
const ms = z
  .number()
  .int()
  .min(0)
  .max(365 * 86_400_000);
const role = z.enum(['server', 'workstation']);

/** The JSON an admin may give (`--incident-rules`): any subset of the settings, replacing defaults. */
const overridesSchema = z
  .object({
    priorityMatrix: z.object({ 1: row, 2: row, 3: row, 4: row, 5: row }),
    urgency: z.object({ warning: scale, critical: scale }),
    urgencyBoost: z.record(z.string(), z.number().int().min(-4).max(4)),
    impactRules: z
      .array(z.object({ role: role.optional(), tag: z.string().optional(), impact: scale }))
      .max(100),
    impactFallback: scale,
    routing: z
      .array(
        z.object({
          name: z.string().min(1).max(100),
          checks: z.array(z.string()).optional(),
          categories: z.array(z.string()).optional(),
          roles: z.array(role).optional(),
          tags: z.array(z.string()).optional(),
          minPriority: z.number().int().min(1).max(6).optional(),
          severities: z.array(z.enum(['warning', 'critical'])).optional(),
          level: z.enum(SUPPORT_LEVELS),
        }),
      )
      .max(100),
    defaultLevel: z.enum(SUPPORT_LEVELS),
    reopenWindowMs: ms,
    quietPeriodMs: ms,
    closeGraceMs: ms,
    staleAfterMs: ms,
    staleExempt: z.array(z.string()),
    hostGroupWindowMs: ms,
    siteSilentMinHosts: z.number().int().min(2).max(100_000),
    stormCap: z.number().int().min(1).max(100_000),
    stormPeriodMs: ms,
    problemThreshold: z.number().int().min(0).max(1000),
    problemWindowMs: ms,
  })
  .partial()
  .strict();

export type IncidentSettingsResult =
  | { ok: true; settings: IncidentSettings }
  | { ok: false; message: string };

/**
 * Incident settings from JSON text or `@path/to/file.json`, over the defaults. A closing grace
 * shorter than the reopen window is refused: a fault back within the window must find its
 * incident still resolved, not closed.
 */
export function parseIncidentSettings(source: string | undefined): IncidentSettingsResult {
  if (source === undefined || source.trim() === '') return { ok: true, settings: DEFAULT_INCIDENT_SETTINGS };
  let json: unknown;
  try {
    json = JSON.parse(source.startsWith('@') ? readFileSync(source.slice(1), 'utf8') : source);
  } catch (error) {
    return { ok: false, message: `incident rules are not readable JSON: ${(error as Error).message}` };
  }
  const parsed = overridesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `incident rules: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`,
    };
  }
  const settings = Object.freeze({
    ...DEFAULT_INCIDENT_SETTINGS,
    ...parsed.data,
  }) as IncidentSettings;
  if (settings.closeGraceMs < settings.reopenWindowMs) {
    return { ok: false, message: 'incident rules: closeGraceMs must not be shorter than reopenWindowMs' };
  }
  return { ok: true, settings };
}

/** The hub-side silence timings, from config with their defaults. */
export function silenceSettings(config: {
  heartbeatIntervalSec: number;
  metricsIntervalSec: number;
  hostSilentGraceSec?: number | undefined;
}): { graceMs: number; connectedGraceMs: number } {
  // Default: three heartbeats after the last frame (pongs count), so one lost pong is not an
  // outage. A host still marked connected is seen through flushed values (other instances flush
  // every LAST_HEARD_FLUSH_MS at most): it gets the grace plus two of those (0023).
  const graceMs = (config.hostSilentGraceSec ?? 3 * config.heartbeatIntervalSec) * 1000;
  return { graceMs, connectedGraceMs: graceMs + 2 * lastHeardFlushMs(config) };
}

/** How often an instance persists what its live sessions last heard: every heartbeat, ≤ 5 s. */
export function lastHeardFlushMs(config: { heartbeatIntervalSec: number }): number {
  return Math.min(5000, config.heartbeatIntervalSec * 1000);
}

export type { Scale };
