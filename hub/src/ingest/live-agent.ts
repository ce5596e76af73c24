import { CLOSE_CODES, type CloseCodeName } from '@vigie/shared';
import type { Logger } from 'pino';
import { releaseAgentSession } from '../cluster/agent-sessions.js';
import type { HubDeps } from '../config/deps.js';
import { reportDuplicateIdentity } from '../identity/duplicate-identity.js';
import { type RotationSettings, rotateIfDue } from '../identity/rotation.js';
import { probeAssignment } from '../probes/assignment.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';
import type { FlowControl } from './session-flow.js';

/** What the session lends an authenticated agent: its queue and sender, and its close. */
export interface LiveAgentIo {
  readonly flow: FlowControl;
  readonly log: Logger;
  readonly isClosed: () => boolean;
  readonly close: (code: CloseCodeName, detail: string) => void;
}

export interface LiveAgentOptions {
  readonly sender: SenderIdentity;
  /** The agent's session epoch this socket holds (agent_sessions). */
  readonly epoch: number;
  /** Only an agent that announced probes gets the `probes` message: older ones would refuse it. */
  readonly runsProbes: boolean;
  /** Only an agent that announced `remediation` gets `remediate` messages (decision 0029). */
  readonly remediates?: boolean;
  /** The secret the agent connected with, hashed: rotation compares it with the current one. */
  readonly heldSecretHash: string;
  readonly rotation?: RotationSettings;
  readonly remoteAddress: string;
}

/**
 * An authenticated agent connection as the rest of the hub sees it (its LiveSession: probes,
 * policy pushes and secret rotation, queued in order behind everything received), and what its
 * disconnection leaves behind: the session epoch released, a live duplicate reported.
 */
export function createLiveAgent(
  deps: HubDeps,
  sessions: LiveSessions,
  io: LiveAgentIo,
  options: LiveAgentOptions,
) {
  const { flow, log, isClosed } = io;
  const { sender } = options;
  // Its hello was the first frame heard of this connection.
  sessions.heard.note(sender.hostId);

  /** Send a new secret if one is due (or the agent came back with its previous one). */
  async function rotateNow(force: boolean): Promise<boolean> {
    if (!options.rotation || isClosed()) return false;
    const message = await rotateIfDue(deps, sender.agentId, options.heldSecretHash, options.rotation, force);
    if (!message || isClosed()) return false;
    log.info(
      { agentId: sender.agentId, previousValidUntil: message.previousValidUntil },
      'agent secret rotated',
    );
    flow.send(message);
    return true;
  }

  async function sendProbes(): Promise<boolean> {
    if (!options.runsProbes || isClosed()) return false;
    const assignment = await probeAssignment(deps.db, sender.hostId);
    if (isClosed()) return false;
    flow.send(assignment);
    return true;
  }

  const live: LiveSession = {
    agentId: sender.agentId,
    hostId: sender.hostId,
    epoch: options.epoch,
    refreshProbes: () => flow.after(sendProbes).catch(() => false),
    kick: (close) => io.close(close, 'by the hub'),
    // Queued, so a policy pushed while the welcome is being prepared goes out after it.
    sendPolicy: (policy) => {
      void flow.after(() => flow.send({ type: 'policy', policy })).catch(() => {});
    },
    rotate: () => flow.after(() => rotateNow(false)).catch(() => false),
    ...(options.remediates === true && {
      sendRemediate: (message) => {
        void flow.after(() => flow.send(message)).catch(() => {});
      },
    }),
  };

  return {
    live,
    rotateNow,
    sendProbes,

    /** The socket closed with `code`; `closedAs` is why the hub closed it, if it did. */
    disconnected(code: number, closedAs: CloseCodeName | undefined): void {
      const current = sessions.unregister(live);
      log.info({ agentId: sender.agentId, code }, 'agent disconnected');
      // Replaced, and the peer answered our 4020: this connection was alive, so two live
      // connections held one credential (a replayed hello, a copied credential, or the agent
      // running twice). A half-open socket left behind by a reconnect never answers (1006).
      if (closedAs === 'SUPERSEDED' && code === CLOSE_CODES.SUPERSEDED.code) {
        const attempt = {
          agentId: sender.agentId,
          hostId: sender.hostId,
          remoteAddress: options.remoteAddress,
          evidence: 'concurrent' as const,
        };
        log.warn({ agentId: sender.agentId, code: 'DUPLICATE_SESSION' }, 'replaced connection was alive');
        void flow.after(() =>
          reportDuplicateIdentity(deps, attempt)
            .then(() => {})
            .catch((error: unknown) => log.error({ err: error }, 'could not report a duplicate identity')),
        );
      }
      // A superseded session must not mark the host offline: its replacement is connected,
      // here or (a newer epoch) on another hub instance.
      if (current) {
        const release = { agentId: sender.agentId, hostId: sender.hostId, epoch: live.epoch ?? 0 };
        // Silence counts from the last frame, not from this close (a frozen peer went quiet earlier).
        const lastHeardAt = sessions.heard.forget(sender.hostId);
        void flow.after(() =>
          releaseAgentSession(deps.db, { ...release, now: deps.clock(), lastHeardAt })
            .then(() => {})
            .catch((error: unknown) => {
              log.error({ err: error }, 'could not mark host disconnected');
            }),
        );
      }
    },
  };
}
export type LiveAgent = ReturnType<typeof createLiveAgent>;
