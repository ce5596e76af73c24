import { type IncidentState, OPEN_INCIDENT_STATES, SUPPORT_LEVELS, type SupportLevel } from '@vigie/shared';
import type { IncidentFacts } from './types.js';

export const TECHNICIAN_ACTIONS = [
  'acknowledge',
  'assign',
  'comment',
  'pending',
  'escalate',
  'deescalate',
  'resolve',
  'close',
  'reopen',
] as const;
export type TechnicianActionKind = (typeof TECHNICIAN_ACTIONS)[number];

/** A technician's action with what it carries. */
export type TechnicianAction =
  | {
      kind:
        | 'acknowledge'
        | 'close'
        | 'comment'
        | 'pending'
        | 'escalate'
        | 'deescalate'
        | 'resolve'
        | 'reopen';
      text?: string;
    }
  | { kind: 'assign'; assignee: string; text?: string };

/** What an accepted action changes, in the engine's words. */
export interface ActionPatch {
  readonly state?: IncidentState;
  readonly level?: SupportLevel;
  readonly assignee?: string;
  readonly acknowledge?: true;
  readonly resolve?: true;
  readonly close?: true;
  readonly reopen?: true;
  /** Pending pauses the SLA clocks; leaving pending resumes them. */
  readonly pause?: 'start' | 'stop';
}

export type ActionOutcome =
  | { ok: true; patch: ActionPatch; notice: 'escalated' | 'resolved' | 'reopened' | null }
  | { ok: false; code: 'INVALID_TRANSITION'; message: string };

const isOpen = (state: IncidentState) => (OPEN_INCIDENT_STATES as readonly string[]).includes(state);
const refuse = (message: string): ActionOutcome => ({ ok: false, code: 'INVALID_TRANSITION', message });

/** Whether a technician's action applies to the incident as it is, and what it changes. Pure. */
export function decideAction(incident: IncidentFacts, action: TechnicianAction): ActionOutcome {
  const open = isOpen(incident.state);
  const leavePending = incident.state === 'pending' ? ({ pause: 'stop' } as const) : {};
  const level = SUPPORT_LEVELS.indexOf(incident.level);
  switch (action.kind) {
    case 'comment':
      return { ok: true, patch: {}, notice: null };
    case 'acknowledge':
      if (!open) return refuse('Only an open incident can be acknowledged');
      return {
        ok: true,
        patch: { acknowledge: true, ...(incident.state === 'new' ? { state: 'acknowledged' } : {}) },
        notice: null,
      };
    case 'assign':
      if (!open) return refuse('Only an open incident can be assigned');
      return {
        ok: true,
        patch: { assignee: action.assignee, acknowledge: true, state: 'in_progress', ...leavePending },
        notice: null,
      };
    case 'pending':
      if (!open || incident.state === 'pending')
        return refuse('Only an open incident not already pending can be set pending');
      return { ok: true, patch: { state: 'pending', pause: 'start' }, notice: null };
    case 'escalate': {
      const next = SUPPORT_LEVELS[level + 1];
      if (!open || next === undefined) return refuse('Only an open incident below N3 can be escalated');
      return { ok: true, patch: { level: next }, notice: 'escalated' };
    }
    case 'deescalate': {
      const previous = SUPPORT_LEVELS[level - 1];
      if (!open || previous === undefined)
        return refuse('Only an open incident above N1 can be de-escalated');
      return { ok: true, patch: { level: previous }, notice: null };
    }
    case 'resolve':
      if (!open) return refuse('Only an open incident can be resolved');
      return { ok: true, patch: { resolve: true }, notice: 'resolved' };
    case 'close':
      if (incident.state === 'closed') return refuse('The incident is already closed');
      return { ok: true, patch: { close: true }, notice: null };
    case 'reopen':
      if (incident.state !== 'resolved') return refuse('Only a resolved incident can be reopened');
      return {
        ok: true,
        patch: { reopen: true, state: incident.assignee === null ? 'new' : 'in_progress' },
        notice: 'reopened',
      };
  }
}
