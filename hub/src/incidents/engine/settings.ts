import type { SupportLevel } from '@vigie/shared';

/** One 1–5 scale step: GLPI's urgency and impact scales. */
export type Scale = 1 | 2 | 3 | 4 | 5;

/**
 * GLPI's default priority matrix, `matrix[urgency][impact]` (GLPI `priority_matrix` config in
 * install/empty_data.php, read by `CommonITILObject::computePriority($urgency, $impact)`).
 */
export const GLPI_PRIORITY_MATRIX: Readonly<Record<Scale, Readonly<Record<Scale, Scale>>>> = {
  1: { 1: 1, 2: 1, 3: 2, 4: 2, 5: 2 },
  2: { 1: 1, 2: 2, 3: 2, 4: 3, 5: 3 },
  3: { 1: 2, 2: 2, 3: 3, 4: 4, 5: 4 },
  4: { 1: 2, 2: 3, 3: 4, 4: 4, 5: 5 },
  5: { 1: 2, 2: 3, 3: 4, 4: 5, 5: 5 },
};

/** Impact of a host: the first rule it matches (role and/or tag), else `fallback`. */
export interface ImpactRule {
  readonly role?: 'server' | 'workstation';
  readonly tag?: string;
  readonly impact: Scale;
}

/** A routing rule: every condition given must hold; the first matching rule gives the level. */
export interface RoutingRule {
  readonly name: string;
  readonly checks?: readonly string[];
  readonly categories?: readonly string[];
  readonly roles?: readonly ('server' | 'workstation')[];
  readonly tags?: readonly string[];
  readonly minPriority?: number;
  /** Only signals of these severities (a SMART warning is a degrading disk, not a failing one). */
  readonly severities?: readonly ('warning' | 'critical')[];
  readonly level: SupportLevel;
}

/** Everything the incident engine decides with; defaults below, overridable as JSON. */
export interface IncidentSettings {
  readonly priorityMatrix: Readonly<Record<Scale, Readonly<Record<Scale, Scale>>>>;
  readonly urgency: { readonly warning: Scale; readonly critical: Scale };
  /**
   * Added to the urgency of a CRITICAL signal of these checks, worse than "critical" says (a silent
   * host, a failing disk); a warning of them (a degrading disk) keeps the warning's urgency.
   */
  readonly urgencyBoost: Readonly<Record<string, number>>;
  readonly impactRules: readonly ImpactRule[];
  readonly impactFallback: Scale;
  readonly routing: readonly RoutingRule[];
  readonly defaultLevel: SupportLevel;
  readonly reopenWindowMs: number;
  readonly quietPeriodMs: number;
  readonly closeGraceMs: number;
  readonly staleAfterMs: number;
  /** Checks re-judged continuously by the hub: never resolved by staleness. */
  readonly staleExempt: readonly string[];
  readonly hostGroupWindowMs: number;
  readonly siteSilentMinHosts: number;
  readonly stormCap: number;
  readonly stormPeriodMs: number;
  readonly problemThreshold: number;
  readonly problemWindowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The stock settings: DESIGN.md's rules with GLPI's matrix. */
export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = Object.freeze<IncidentSettings>({
  priorityMatrix: GLPI_PRIORITY_MATRIX,
  urgency: { warning: 3, critical: 4 },
  // A silent host tells nothing about how bad it is, but nothing on it is being watched either.
  urgencyBoost: { 'host.silent': 1, 'site.silent': 1, 'disk.smart': 1 },
  impactRules: [
    { role: 'server', tag: 'production', impact: 5 },
    { role: 'server', impact: 4 },
    { tag: 'infrastructure', impact: 3 },
    { role: 'workstation', tag: 'vip', impact: 2 },
  ],
  impactFallback: 1,
  routing: [
    // A credential used from two machines is a breach suspicion on any host, not a fault of one.
    { name: 'security', categories: ['security'], level: 'N3' },
    { name: 'server silent', checks: ['host.silent'], roles: ['server'], level: 'N3' },
    { name: 'site silent', checks: ['site.silent'], level: 'N3' },
    {
      name: 'production service down',
      checks: ['service.down'],
      roles: ['server'],
      tags: ['production'],
      level: 'N3',
    },
    {
      name: 'server disk failing',
      checks: ['disk.smart'],
      roles: ['server'],
      severities: ['critical'],
      level: 'N3',
    },
    { name: 'very high priority on a server', roles: ['server'], minPriority: 5, level: 'N3' },
    { name: 'hardware fault', categories: ['hardware'], level: 'N2' },
    // Licences, over-deployment and warranties are the admins' review (vendor cases: N2).
    { name: 'assets', categories: ['asset'], level: 'N2' },
  ],
  defaultLevel: 'N1',
  reopenWindowMs: 30 * MINUTE,
  quietPeriodMs: 5 * MINUTE,
  closeGraceMs: DAY,
  staleAfterMs: 3 * DAY,
  staleExempt: ['host.silent', 'site.silent'],
  hostGroupWindowMs: 2 * MINUTE,
  siteSilentMinHosts: 3,
  stormCap: 20,
  stormPeriodMs: 10 * MINUTE,
  problemThreshold: 3,
  problemWindowMs: 7 * DAY,
});
