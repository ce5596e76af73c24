import { REMEDIATION_LIMITS } from '@vigie/shared';

/**
 * The agent's own bound on attempts per check and resource: what the hub asks (K per window) but
 * never more than REMEDIATION_LIMITS allow, so a compromised hub cannot turn N0 into a restart loop.
 * In memory: a restarted agent starts afresh, which at most doubles one window's attempts.
 */
export function createAttemptBound(clock: () => number) {
  const attempts = new Map<string, number[]>();
  const keyOf = (check: string, resource: string) => `${check}\u0000${resource}`;

  return {
    /** Take one attempt if the bound allows it; false when spent. */
    take(check: string, resource: string, asked: { maxAttempts: number; windowSec: number }): boolean {
      const now = clock();
      const max = Math.min(asked.maxAttempts, REMEDIATION_LIMITS.maxAttempts);
      const windowMs = Math.max(asked.windowSec, REMEDIATION_LIMITS.minWindowSec) * 1000;
      const key = keyOf(check, resource);
      const recent = (attempts.get(key) ?? []).filter((at) => at > now - windowMs);
      if (recent.length >= max) {
        attempts.set(key, recent);
        return false;
      }
      recent.push(now);
      attempts.set(key, recent);
      return true;
    },
  };
}
export type AttemptBound = ReturnType<typeof createAttemptBound>;
