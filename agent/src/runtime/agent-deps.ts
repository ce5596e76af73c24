// What `startAgent` is given and what it returns (its own module so the runtime's parts can share
// these types without importing the composition root).
import type { CloseCodeName, Policy, Sample, WelcomeMessage } from '@vigie/shared';
import type { BootRecordStore } from '../checks/reboot.js';
import type { SmartCheck } from '../checks/smart.js';
import type { CollectRequest } from '../collectors/collector.js';
import type { RuntimeStatus } from '../credentials/status-file.js';
import type { HostInfo } from '../identity/host-info.js';
import type { Log } from '../logger.js';
import type { ProbeRunnerDeps } from '../probes/probe-runner.js';
import type { RemediationAllowList } from '../remediation/allow-list.js';
import type { RemediationTools } from '../remediation/tools.js';
import type { ConnectionOptions } from '../transport/connection.js';
import type { CheckStateReport, InventoryChunk, Outbox, OutboxOptions } from '../transport/outbox.js';
import type { Scheduler } from './scheduler.js';

/** One collection cycle (the collectors' `createSampler` satisfies it). */
export interface Sampler {
  collect(request: CollectRequest): Promise<Sample>;
}

/** The inventory functions, generic over the snapshot type so the runtime does not depend on it. */
export interface InventorySource<S> {
  collect(): Promise<S>;
  hash(snapshot: S): string;
  toChunks(snapshot: S, hash: string): InventoryChunk[];
}

export interface AgentDeps<S> {
  /** http(s) base URL of the hub; the WebSocket URL is derived from it. */
  readonly hubUrl: string;
  readonly credentials: { readonly agentId: string; readonly secret: string };
  readonly fingerprint: string;
  readonly host: HostInfo;
  readonly agentVersion: string;
  readonly sampler: Sampler;
  readonly inventory: InventorySource<S>;
  /** The last policy saved in the state dir, applied until the hub sends its own. */
  readonly savedPolicy?: Policy;
  readonly savePolicy: (policy: Policy) => Promise<void>;
  /** Persist a secret the hub rotated to (credentials.json); without it rotations are never confirmed. */
  readonly saveSecret?: (secret: string) => Promise<boolean>;
  readonly writeStatus?: (status: RuntimeStatus) => Promise<void>;
  readonly log: Log;
  readonly clock: () => number;
  /** A clock that never steps (default `process.hrtime`), to follow wall-clock steps after a drift measure. */
  readonly monotonic?: () => number;
  readonly random: () => number;
  /** Where the host's last boot time is kept across runs; without it `host.reboot` is never observed. */
  readonly bootRecord?: BootRecordStore;
  /** Disk health from smartctl (slow cycle); without it `disk.smart` is never observed. */
  readonly smart?: SmartCheck;
  readonly heartbeatIntervalSec: number;
  /** Development override of the policy's fast-cycle interval. */
  readonly metricsIntervalSec?: number;
  readonly bootId?: string;
  readonly scheduler?: Scheduler;
  /** Connection tuning (tests shorten timeouts and backoff). */
  readonly connection?: Pick<
    ConnectionOptions,
    'welcomeTimeoutMs' | 'heartbeatSlackMs' | 'closeGraceMs' | 'backoff' | 'restartSpreadMs'
  >;
  /** Trusted CA certificates (PEM) for a `wss://` hub; default Node's bundled list. */
  readonly ca?: readonly string[];
  /** Tuning of the in-memory outbox used when no `spool` is given. */
  readonly outbox?: Pick<OutboxOptions, 'limits' | 'window' | 'drainRatePerSec' | 'maxBatchSamples'>;
  /** An outbox the caller opened (the CLI's on-disk spool); its boot id becomes the agent's. */
  readonly spool?: Outbox;
  /** How probes reach the network (tests may replace `ping` or the whole run). */
  readonly probes?: Pick<ProbeRunnerDeps, 'ping' | 'run'>;
  /** Told of every welcome, then of the policy in force after each welcome or push (the updater). */
  readonly onWelcome?: (welcome: WelcomeMessage) => void;
  readonly onPolicy?: (policy: Policy) => void;
  /** N0 actions this machine's admin allowed (local config); absent allows nothing (0029). */
  readonly remediation?: RemediationAllowList;
  /** How N0 actions reach the system (tests put a stand-in service manager on PATH instead). */
  readonly remediationTools?: RemediationTools;
}

/** Why the agent stopped: asked to, or refused by the hub for good (exit 78 in the CLI). */
export type AgentExit =
  | { readonly reason: 'stopped' }
  | {
      readonly reason: 'fatal';
      readonly name: CloseCodeName;
      readonly code: number;
      readonly message: string;
    };

export interface RunningAgent {
  readonly bootId: string;
  /** The policy in force. */
  policy(): Policy;
  /** Queue a local check's transition for the hub (sent at once when connected). */
  reportCheckState(report: CheckStateReport): void;
  /** Stops timers and closes the connection cleanly; idempotent. */
  stop(): Promise<void>;
  /** Settles when the agent stopped, for either reason. */
  readonly exited: Promise<AgentExit>;
}
