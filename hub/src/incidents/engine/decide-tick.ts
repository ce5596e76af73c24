import { OPEN_INCIDENT_STATES } from '@vigie/shared';
import type { IncidentSettings } from './settings.js';
import { type IncidentFacts, type TickDecision, technicianActed } from './types.js';

const isOpen = (state: string): boolean => (OPEN_INCIDENT_STATES as readonly string[]).includes(state);

/**
 * What time alone does to an incident: resolve once recovery held for the quiet period, resolve a
 * trigger that never recovered after the staleness timeout, close a resolved one after the grace.
 * Never resolves what a technician is working on, nor a group parent (its children decide).
 */
export function decideTick(incident: IncidentFacts, settings: IncidentSettings, now: number): TickDecision {
  if (incident.state === 'resolved') {
    return incident.resolvedAt !== null && now - incident.resolvedAt >= settings.closeGraceMs
      ? { kind: 'close' }
      : { kind: 'none' };
  }
  if (!isOpen(incident.state) || technicianActed(incident)) return { kind: 'none' };
  if (incident.groupKind === 'site' || incident.groupKind === 'storm') return { kind: 'none' };
  if (incident.recoveredAt !== null) {
    return now - incident.recoveredAt >= settings.quietPeriodMs
      ? { kind: 'resolve', reason: 'quiet period' }
      : { kind: 'none' };
  }
  const staleable = incident.source !== 'manual' && !settings.staleExempt.includes(incident.check);
  return staleable && now - incident.lastOccurrenceAt >= settings.staleAfterMs
    ? { kind: 'resolve', reason: 'stale' }
    : { kind: 'none' };
}

/** True when enough incidents of one key fell within the window to make it a problem. */
export function problemDue(incidentsInWindow: number, settings: IncidentSettings): boolean {
  return settings.problemThreshold > 0 && incidentsInWindow >= settings.problemThreshold;
}
