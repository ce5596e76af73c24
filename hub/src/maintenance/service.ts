import { z } from 'zod';
import { ApiError } from '../api/api-error.js';
import type { HubDeps } from '../config/deps.js';
import { MAINTENANCE_SCOPES } from '../db/tables/maintenance-windows.js';
import { currentEnd, isValidCron } from '../incidents/engine/maintenance.js';
import {
  disableMaintenanceWindow,
  insertMaintenanceWindow,
  type MaintenanceWindowRow,
} from '../repositories/maintenance-windows.js';
import { generateId } from '../security/secrets.js';
import { resolveHostTarget } from './targets.js';

// Maintenance windows: the writes and their rules, for the API and the console alike.

const MINUTE_MS = 60_000;
/** A week: longer than that is not maintenance, it is a host to retire or a rule to change. */
const MAX_DURATION_MINUTES = 7 * 24 * 60;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A new window as the API (JSON) and the console (form) take it. */
export const maintenanceWindowBody = z
  .strictObject({
    scope: z.enum(MAINTENANCE_SCOPES),
    /** Host id or hostname (one host's), `client/site`, client or tag, by scope. */
    target: z.string().trim().min(1).max(256),
    /** When each window starts (5 or 6 cron fields), read in `timezone`. */
    cron: z.string().trim().min(9).max(100),
    durationMinutes: z.number().int().min(1).max(MAX_DURATION_MINUTES),
    timezone: z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone').default('UTC'),
    reason: z.string().trim().min(1).max(500),
  })
  .superRefine((body, ctx) => {
    const fields = body.cron.split(/\s+/).length;
    if (fields < 5 || fields > 6 || !isValidCron(body.cron, body.timezone))
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'not a cron expression of 5 or 6 fields' });
    if (body.scope === 'site' && !/^[^/]+\/[^/]+$/.test(body.target))
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'a site is written client/site' });
  });

/** A window as the API shows it; `activeUntil` is set while a window is running now. */
export function windowView(row: MaintenanceWindowRow, now: number) {
  const end = currentEnd({ ...row, durationMs: Number(row.duration_ms) }, now);
  return {
    id: row.id,
    scope: row.scope,
    target: row.target,
    cron: row.cron,
    durationMinutes: Number(row.duration_ms) / MINUTE_MS,
    timezone: row.timezone,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    activeUntil: end !== null && now < end ? end : null,
  };
}

/** Create a window (API and console); throws VALIDATION_FAILED for a host that does not exist. */
export async function createMaintenanceWindow(
  deps: HubDeps,
  body: z.infer<typeof maintenanceWindowBody>,
  by: string,
): Promise<MaintenanceWindowRow> {
  // A host is picked by name in the console; the window keeps its id (a rename does not move it).
  const hostId = body.scope === 'host' ? await resolveHostTarget(deps.db, body.target) : undefined;
  if (body.scope === 'host' && hostId === undefined)
    throw new ApiError('VALIDATION_FAILED', 'No such host', [{ path: 'target', message: 'no such host' }]);
  const now = deps.clock();
  const row: MaintenanceWindowRow = {
    id: generateId('mnt', deps.random),
    scope: body.scope,
    target: hostId ?? body.target,
    cron: body.cron,
    duration_ms: body.durationMinutes * MINUTE_MS,
    timezone: body.timezone,
    reason: body.reason,
    created_by: by,
    created_at: now,
    disabled_at: null,
  };
  await insertMaintenanceWindow(deps.db, row);
  deps.log.info(
    { window: row.id, scope: row.scope, target: row.target, by: row.created_by },
    'maintenance window created',
  );
  return row;
}

/**
 * Remove a window: it stops at once (a running one ends early) and never recurs. Disabled rather
 * than deleted: held signals and timelines still name the window.
 */
export async function removeMaintenanceWindow(deps: HubDeps, id: string, by: string): Promise<void> {
  if (!(await disableMaintenanceWindow(deps.db, id, deps.clock())))
    throw new ApiError('NOT_FOUND', 'No such maintenance window');
  deps.log.info({ window: id, by }, 'maintenance window removed');
}
