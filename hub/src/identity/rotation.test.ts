import { describe, expect, it } from 'vitest';
import type { AgentRow } from '../repositories/agents.js';
import { rotationDue } from './rotation.js';

const DAY = 86_400_000;
const agent = (overrides: Partial<AgentRow> = {}): AgentRow => ({
  id: 'agt_1',
  host_id: 'hst_1',
  secret_hash: 'x',
  fingerprint: 'f',
  enrolment_token_id: null,
  enrolled_at: 0,
  revoked_at: null,
  previous_secret_hash: null,
  previous_secret_expires_at: null,
  secret_rotated_at: null,
  rotation_requested_at: null,
  hello_key: null,
  previous_hello_key: null,
  legacy_hellos: 0,
  last_legacy_hello_at: null,
  ...overrides,
});
const settings = { everyMs: 90 * DAY, graceMs: DAY };

describe('rotationDue', () => {
  it('is due once the enrolment secret is as old as the period, not before', () => {
    expect(rotationDue(agent(), settings, 90 * DAY - 1)).toBe(false);
    expect(rotationDue(agent(), settings, 90 * DAY)).toBe(true);
  });

  it('counts from the last rotation, and is due at once when an admin asked', () => {
    expect(rotationDue(agent({ secret_rotated_at: 80 * DAY }), settings, 100 * DAY)).toBe(false);
    expect(
      rotationDue(
        agent({ secret_rotated_at: 80 * DAY, rotation_requested_at: 99 * DAY }),
        settings,
        100 * DAY,
      ),
    ).toBe(true);
  });

  it('never rotates by age with a period of 0', () => {
    expect(rotationDue(agent(), { everyMs: 0, graceMs: DAY }, 10_000 * DAY)).toBe(false);
  });
});
