import type { CheckState, HostRole, IncidentState, Priority, SupportLevel } from '@vigie/shared';
import type { Scale } from './settings.js';

export type Severity = 'warning' | 'critical';

/** What the engine knows about a host. */
export interface HostFacts {
  readonly id: string;
  readonly hostname: string;
  readonly role: HostRole;
  readonly tags: readonly string[];
}

/** A check's state as it reaches the engine, from an agent or a hub-side check. */
export interface Signal {
  /** `client/host/check[/resource]`. */
  readonly key: string;
  readonly client: string;
  readonly site: string;
  readonly host: HostFacts | null;
  readonly check: string;
  readonly resource: string;
  /** `ok` is a recovery; anything else a trigger. */
  readonly state: CheckState;
  /** When the source observed it (agent clock for agent checks). */
  readonly observedAt: number;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly message: string | null;
  /** Impact set by a hub-side check that has no host to judge it by (licence expiry stages). */
  readonly impact?: Scale;
  /** Hosts a ticket without a host stands for (a silent site): it is graded as its worst member. */
  readonly members?: readonly HostFacts[];
  /**
   * The title as a code and its parameters (incidents/text/codes.ts), when the source knows
   * better names than check, resource and host (a licence's product, a probe's device and kind).
   */
  readonly text?: {
    readonly code: string;
    readonly params: Readonly<Record<string, string | number | null>>;
  };
}

/** The slice of an incident row the engine decides on. */
export interface IncidentFacts {
  readonly id: string;
  readonly state: IncidentState;
  readonly severity: Severity;
  readonly urgency: number;
  readonly impact: number;
  readonly priority: Priority;
  readonly priorityManual: boolean;
  readonly level: SupportLevel;
  readonly flapping: boolean;
  readonly occurrences: number;
  readonly openedAt: number;
  readonly lastOccurrenceAt: number;
  readonly recoveredAt: number | null;
  readonly resolvedAt: number | null;
  readonly acknowledgedAt: number | null;
  readonly assignee: string | null;
  readonly check: string;
  readonly source: 'agent' | 'hub' | 'manual';
  readonly parentId: string | null;
  readonly groupKind: 'host' | 'site' | 'storm' | null;
}

/** How an incident is graded when it opens or changes severity. */
export interface Grade {
  readonly severity: Severity;
  readonly urgency: Scale;
  readonly impact: Scale;
  readonly priority: Priority;
  readonly level: SupportLevel;
  /** Name of the routing rule that chose the level, or `default`. */
  readonly route: string;
}

/** Where a newly opened incident goes in a group, decided from what is open around it. */
export type Placement =
  | { readonly kind: 'alone' }
  | { readonly kind: 'child'; readonly parentId: string; readonly group: 'host' | 'site' | 'storm' }
  | { readonly kind: 'storm-parent' };

/** What to do with one signal. */
export type SignalDecision =
  | {
      readonly kind: 'open';
      readonly grade: Grade;
      readonly previousId: string | null;
      readonly placement: Placement;
      /** The parent's new grade when the child outranks it (grouping never lowers severity). */
      readonly raisesParent: Grade | null;
    }
  | {
      readonly kind: 'occurrence';
      readonly incidentId: string;
      readonly regrade: Grade | null;
      readonly reason: string | null;
      readonly cancelsRecovery: boolean;
    }
  | { readonly kind: 'reopen'; readonly incidentId: string; readonly regrade: Grade | null }
  | { readonly kind: 'hold'; readonly reason: 'maintenance' | 'inhibited'; readonly ref: string }
  | { readonly kind: 'recovering'; readonly incidentId: string }
  | { readonly kind: 'resolve'; readonly incidentId: string; readonly reason: string }
  | { readonly kind: 'propose-resolution'; readonly incidentId: string }
  | { readonly kind: 'release-hold' }
  | { readonly kind: 'ignore'; readonly reason: string };

/** What a timer does to one incident. */
export type TickDecision =
  | { readonly kind: 'resolve'; readonly reason: 'quiet period' | 'stale' }
  | { readonly kind: 'close' }
  | { readonly kind: 'none' };

/** Technician-visible states in which the engine must not resolve on its own. */
export function technicianActed(incident: IncidentFacts): boolean {
  return (
    incident.acknowledgedAt !== null ||
    incident.assignee !== null ||
    incident.state === 'in_progress' ||
    incident.state === 'pending'
  );
}
