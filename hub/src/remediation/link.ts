import type { RemediateMessage } from '@vigie/shared';
import type { LiveSession } from '../ingest/live-sessions.js';

/** How the N0 service reaches agents: the sessions connected to this hub instance. */
export interface RemediationLink {
  /** The agent of this host is connected here and announced the `remediation` capability. */
  capable(hostId: string): boolean;
  /** Queue a request on that agent's session; false when it is not connected here or not capable. */
  send(hostId: string, message: RemediateMessage): boolean;
}

/** The link over this instance's live sessions (a request is queued behind what the session sends). */
export function sessionLink(sessions: { all(): readonly LiveSession[] }): RemediationLink {
  const find = (hostId: string) =>
    sessions.all().find((session) => session.hostId === hostId && session.sendRemediate !== undefined);
  return {
    capable: (hostId) => find(hostId) !== undefined,
    send(hostId, message) {
      const session = find(hostId);
      if (!session?.sendRemediate) return false;
      session.sendRemediate(message);
      return true;
    },
  };
}
