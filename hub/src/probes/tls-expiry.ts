import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Scale } from '../incidents/engine/settings.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import { signalStageIn } from '../inventory/stage-signal.js';
import { DEFAULT_EXPIRY_STAGES, expiryMessage, expiryStage } from '../licences/expiry.js';
import type { HostRow } from '../repositories/hosts.js';
import { deviceSignal } from './device-signal.js';

/** The licence stages (90/30/7/0 days) up to the probe's warning horizon; 0 (expired) always. */
export function tlsStages(warnDays: number): number[] {
  return [...new Set([...DEFAULT_EXPIRY_STAGES.filter((stage) => stage <= warnDays), 0])];
}

/**
 * A certificate nearing its end is something to plan, not an outage: a warning with a low impact
 * (GLPI priority 2) at every stage before the date; once expired its clients fail, so it is
 * critical and graded by the device's own impact.
 */
export function tlsGrade(stage: number): { severity: 'warning' | 'critical'; impact?: Scale } {
  if (stage <= 0) return { severity: 'critical' };
  return { severity: 'warning', impact: stage <= 7 ? 2 : 1 };
}

/**
 * Signal the `tls.expiry` stage of a probe's certificate on its device, once per stage (and daily
 * while it holds), through the same stage logic as licence and warranty expiry.
 */
export async function signalTlsExpiry(
  trx: Kysely<Database>,
  runtime: IncidentRuntime,
  probe: { id: string; name: string; kind: string },
  device: HostRow,
  notAfter: number,
  warnDays: number,
  now: number,
): Promise<boolean> {
  const at = expiryStage(notAfter, now, tlsStages(warnDays));
  const grade = at ? tlsGrade(at.stage) : undefined;
  const what = `TLS certificate of ${probe.name} on ${device.hostname}`;
  const signal = deviceSignal(device, probe, 'tls.expiry', {
    state: grade?.severity ?? 'ok',
    observedAt: now,
    value: at?.daysLeft ?? Math.ceil((notAfter - now) / 86_400_000),
    threshold: at?.stage ?? null,
    message: at ? expiryMessage(what, at) : `${what} valid until ${new Date(notAfter).toISOString()}`,
    ...(grade?.impact !== undefined && { impact: grade.impact }),
    text: {
      code: 'tls.expiry',
      params: {
        device: device.hostname,
        probe: probe.name,
        stage: at?.stage ?? null,
        daysLeft: at?.daysLeft ?? null,
      },
    },
  });
  return signalStageIn(trx, runtime, signal, at ? `stage:${at.stage}` : 'ok', now);
}
