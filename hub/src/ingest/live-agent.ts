import { CLOSE_CODES, type CloseCodeName, type Policy, type RemediateMessage } from '@vigie/shared';
import type { Logger } from 'pino';
import { releaseAgentSession } from '../cluster/agent-sessions.js';
import type { HubDeps } from '../config/deps.js';
import { reportDuplicateIdentity } from '../identity/duplicate-identity.js';
import { type RotationSettings, rotateIfDue } from '../identity/rotation.js';
import { probeAssignment } from '../probes/assignment.js';
import type { SenderIdentity } from './commit-in-transaction.js';
import type { LiveSession, LiveSessions } from './live-sessions.js';
import type { FlowControl } from './session-flow.js';

/** What the session lends an authenticated agent: its queue and sender, and its close (the session itself). */
export interface LiveAgentIo {
  readonly flow: FlowControl;
  readonly log: Logger;
  isClosed(): boolean;
  close(code: CloseCodeName, detail: string): void;
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
): LiveAgent {
  const agent =
    options.remediates === true
      ? new RemediatingLiveAgent(deps, sessions, io, options)
      : new LiveAgent(deps, sessions, io, options);
  // Its hello was the first frame heard of this connection.
  sessions.heard.note(agent.hostId);
  return agent;
}

/**
 * A class, itself the LiveSession registered: an agent keeps it for the socket's life, so it holds
 * its figures (not a LiveSession object of closures beside it); `sendRemediate` exists only on
 * agents that announced remediation (RemediatingLiveAgent), as LiveSession asks.
 */
class LiveAgent implements LiveSession {
  private readonly sender: SenderIdentity;
  readonly epoch: number;
  private readonly runsProbes: boolean;
  private readonly heldSecretHash: string;
  private readonly rotation: RotationSettings | undefined;
  private readonly remoteAddress: string;

  constructor(
    protected readonly deps: HubDeps,
    private readonly sessions: LiveSessions,
    protected readonly io: LiveAgentIo,
    options: LiveAgentOptions,
  ) {
    this.sender = options.sender;
    this.epoch = options.epoch;
    this.runsProbes = options.runsProbes;
    this.heldSecretHash = options.heldSecretHash;
    this.rotation = options.rotation;
    this.remoteAddress = options.remoteAddress;
  }

  get agentId(): string {
    return this.sender.agentId;
  }

  get hostId(): string {
    return this.sender.hostId;
  }

  /** Send a new secret if one is due (or the agent came back with its previous one). */
  async rotateNow(force: boolean): Promise<boolean> {
    const { io, rotation } = this;
    if (!rotation || io.isClosed()) return false;
    const agentId = this.sender.agentId;
    const message = await rotateIfDue(this.deps, agentId, this.heldSecretHash, rotation, force);
    if (!message || io.isClosed()) return false;
    io.log.info({ agentId, previousValidUntil: message.previousValidUntil }, 'agent secret rotated');
    io.flow.send(message);
    return true;
  }

  async sendProbes(): Promise<boolean> {
    const io = this.io;
    if (!this.runsProbes || io.isClosed()) return false;
    const assignment = await probeAssignment(this.deps.db, this.sender.hostId);
    if (io.isClosed()) return false;
    io.flow.send(assignment);
    return true;
  }

  refreshProbes(): Promise<boolean> {
    return this.io.flow.after(() => this.sendProbes()).catch(() => false);
  }

  kick(close: 'SUPERSEDED' | 'CREDENTIAL_REVOKED' | 'SERVICE_RESTART'): void {
    this.io.close(close, 'by the hub');
  }

  /** Queued, so a policy pushed while the welcome is being prepared goes out after it. */
  sendPolicy(policy: Policy): void {
    const flow = this.io.flow;
    void flow.after(() => flow.send({ type: 'policy', policy })).catch(() => {});
  }

  rotate(): Promise<boolean> {
    return this.io.flow.after(() => this.rotateNow(false)).catch(() => false);
  }

  /** The socket closed with `code`; `closedAs` is why the hub closed it, if it did. */
  disconnected(code: number, closedAs: CloseCodeName | undefined): void {
    const { deps, sessions, sender } = this;
    const { flow, log } = this.io;
    const current = sessions.unregister(this);
    log.info({ agentId: sender.agentId, code }, 'agent disconnected');
    // Replaced, and the peer answered our 4020: this connection was alive, so two live
    // connections held one credential (a replayed hello, a copied credential, or the agent
    // running twice). A half-open socket left behind by a reconnect never answers (1006).
    if (closedAs === 'SUPERSEDED' && code === CLOSE_CODES.SUPERSEDED.code) {
      const attempt = {
        agentId: sender.agentId,
        hostId: sender.hostId,
        remoteAddress: this.remoteAddress,
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
      const release = { agentId: sender.agentId, hostId: sender.hostId, epoch: this.epoch };
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
  }
}

/** An agent that announced `remediation` (decision 0029): it is sent `remediate` messages. */
class RemediatingLiveAgent extends LiveAgent {
  sendRemediate(message: RemediateMessage): void {
    const flow = this.io.flow;
    void flow.after(() => flow.send(message)).catch(() => {});
  }
}

export type { LiveAgent };
