// Public API of @vigie/agent: what the e2e suites and embedders use; the CLI is bin/vigie-agent.js.
export { type AgentConfig, type ConfigResult, type ConfigSources, loadConfig } from './config/config.js';
export {
  type CredentialStore,
  type Credentials,
  createCredentialStore,
} from './credentials/credential-store.js';
export { saveRotatedSecret } from './credentials/rotate-secret.js';
export { createStatusFile, type RuntimeStatus } from './credentials/status-file.js';
export { type EnrolResult, enrol } from './enrol/enrol.js';
export {
  type FingerprintResult,
  machineFingerprint,
  SYSTEM_FINGERPRINT_DEPS,
} from './identity/fingerprint.js';
export { type HostInfo, readHostInfo, systemHostInfoDeps } from './identity/host-info.js';
export {
  hashInventory,
  type InventoryChunk,
  type InventorySnapshot,
  toInventoryChunks,
} from './inventory/index.js';
export { createLogger, type Log, type LogLevel, SILENT_LOG } from './logger.js';
export {
  type AgentDeps,
  type AgentExit,
  type InventorySource,
  type RunningAgent,
  type Sampler,
  startAgent,
} from './runtime/agent.js';
export { type Scheduler, SYSTEM_SCHEDULER } from './runtime/scheduler.js';
export { type OpenSpoolResult, openSpool, type Spool, type SpoolOptions } from './spool/spool.js';
export { BACKOFF_DEFAULTS, type Backoff, createBackoff } from './transport/backoff.js';
export {
  CONNECTION_DEFAULTS,
  type Connection,
  type ConnectionEvent,
  createConnection,
} from './transport/connection.js';
export { proveHello } from './transport/hello-proof.js';
export { hubHttpEndpoint, hubWebSocketUrl, plaintextRefusal } from './transport/hub-url.js';
export { createOutbox, type Outbox, type OutboxItem } from './transport/outbox.js';
export { createTlsFetch } from './transport/tls-fetch.js';
export { createWireEncoder, type WireEncoder } from './transport/wire-encoder.js';
export { AGENT_VERSION } from './version.js';
