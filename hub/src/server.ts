import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { LIMITS } from '@vigie/shared';
import type { Logger } from 'pino';
import { createApp } from './api/app.js';
import { createArtefactSigner } from './artefacts/artefact-signer.js';
import { type Cluster, startCluster } from './cluster/cluster.js';
import { createDatabaseClock } from './cluster/database-clock.js';
import { baselineOnListen } from './cluster/silence-baseline.js';
import type { HubConfig } from './config/config.js';
import { SETTING_DEFAULTS } from './config/defaults.js';
import type { HubDeps } from './config/deps.js';
import { lastHeardFlushMs, silenceSettings } from './config/incident-settings.js';
import { parseLegacyHello } from './config/legacy-hello.js';
import { readTlsFiles } from './config/tls.js';
import { migrateToLatest, openDatabase } from './db/connect.js';
import { engineOf, redactDatabaseUrl } from './db/dialect.js';
import { ensureSamplePartitions } from './db/sample-partitions.js';
import { createReadmissionHold, READMISSION_HOLD_MAX_MS } from './incidents/jobs/readmission-hold.js';
import { type IncidentSweeper, startIncidentSweeper } from './incidents/jobs/scheduler.js';
import { createAgentSocket, HANDSHAKE_LIMIT_DEFAULTS } from './ingest/agent-socket.js';
import { startLastHeardFlush } from './ingest/last-heard.js';
import { SESSION_LIMIT_DEFAULTS } from './ingest/session-flow.js';
import { DEFAULT_SECURITY_UPDATES_MAX_AGE_MS } from './inventory/updates-sweep.js';
import { type InventorySweeper, startInventorySweeper } from './licences/scheduler.js';
import { metricsAllowList } from './metrics/routes.js';
import type { Notifications } from './notify/notifications.js';
import { REMEDIATION_TICK_MS, startRemediationTicker } from './remediation/ticker.js';
import { markAllDisconnected } from './repositories/hosts.js';
import { type RetentionJob, startRetentionJob } from './retention/job.js';
import { parseRetentionSpec, RETENTION_DEFAULTS } from './retention/settings.js';
import {
  CONNECTION_TIMEOUT_DEFAULTS,
  type ConnectionLimits,
  defaultMaxConnections,
  guardConnections,
  serverTimeoutOptions,
} from './security/connection-guard.js';
import { cryptoRandom, type RandomBytes } from './security/secrets.js';
import { loadOrCreateSigningKey, signingKeyPath } from './security/signing-key.js';
import { createHubServices } from './services.js';

/** How often each instance checks whether another one saved a policy layer. */
const POLICY_WATCH_MS = 5000;

export interface RunningHub {
  readonly url: string;
  readonly port: number;
  readonly deps: HubDeps;
  /** The outbox notifier (for the incident engine) and its delivery worker, running. */
  readonly notifications: Notifications;
  /** Close agents' sockets with "service restart", finish stores in flight, close the database. */
  close(): Promise<void>;
}

export type StartResult =
  | { ok: true; hub: RunningHub }
  | {
      ok: false;
      code: 'MIGRATION_FAILED' | 'LISTEN_FAILED' | 'TLS_FAILED' | 'SIGNING_KEY_FAILED';
      error: unknown;
    };

/** Per-agent, handshake and rotation bounds from the config, defaults where it is silent. */
function ingestLimits(config: HubConfig) {
  const rate = config.agentRateLimit ?? SESSION_LIMIT_DEFAULTS.messagesPerSec;
  const bytes = config.agentByteRateLimit ?? SESSION_LIMIT_DEFAULTS.bytesPerSec;
  const perAddress = config.maxHandshakesPerAddress ?? HANDSHAKE_LIMIT_DEFAULTS.perAddress;
  // Validated by the config schema; the deprecation window is open unless an admin closes it.
  const legacyHello = parseLegacyHello(config.legacyHello ?? SETTING_DEFAULTS.legacyHello);
  return {
    limits: {
      ...SESSION_LIMIT_DEFAULTS,
      messagesPerSec: rate,
      messageBurst: rate * 4,
      bytesPerSec: bytes,
      // Never under two of the largest frames, so one big inventory chunk is never a violation.
      byteBurst: Math.max(bytes * 8, 2 * LIMITS.maxFrameBytes),
    },
    handshakes: { perAddress, total: perAddress * 32 },
    legacyHelloUntil: legacyHello.ok ? legacyHello.until : Number.POSITIVE_INFINITY,
    rotation: {
      everyMs: (config.credentialRotationDays ?? SETTING_DEFAULTS.credentialRotationDays) * 86_400_000,
      graceMs: (config.credentialGraceHours ?? SETTING_DEFAULTS.credentialGraceHours) * 3_600_000,
    },
  };
}

/** Socket deadlines and bound from the config (`--headers-timeout`, `--request-timeout`, `--max-connections`). */
function connectionLimits(config: HubConfig): ConnectionLimits {
  return {
    headersTimeoutMs:
      (config.headersTimeoutSec ?? CONNECTION_TIMEOUT_DEFAULTS.headersTimeoutMs / 1000) * 1000,
    requestTimeoutMs:
      (config.requestTimeoutSec ?? CONNECTION_TIMEOUT_DEFAULTS.requestTimeoutMs / 1000) * 1000,
    maxConnections: config.maxConnections ?? defaultMaxConnections(),
  };
}

/** Open the database, migrate it, and serve the API and the agents' socket on one port. */
export async function startHub(
  config: HubConfig,
  runtime: { log: Logger; clock?: () => number; random?: RandomBytes },
): Promise<StartResult> {
  const tls = readTlsFiles(config);
  if (!tls.ok) return { ok: false, code: 'TLS_FAILED', error: new Error(tls.message) };
  // Read before the database opens: a hub that cannot sign must not half-start (0017).
  const keyPath = signingKeyPath(config);
  const signingKey = keyPath === undefined ? undefined : loadOrCreateSigningKey(keyPath);
  if (signingKey && !signingKey.ok)
    return { ok: false, code: 'SIGNING_KEY_FAILED', error: new Error(signingKey.message) };
  const db = openDatabase(config.db);
  const migrated = await migrateToLatest(db);
  if (!migrated.ok) {
    await db.destroy();
    return { ok: false, code: 'MIGRATION_FAILED', error: migrated.error };
  }
  if (migrated.applied.length > 0) runtime.log.info({ migrations: migrated.applied }, 'database migrated');
  // On PostgreSQL other hub instances may hold agents' sockets right now: their hosts stay
  // connected (agent_sessions says who holds them), and every instance uses the database's clock.
  const dbClock = engineOf(db) === 'postgres' ? createDatabaseClock(db) : undefined;
  if (dbClock) {
    await dbClock.sync();
    await ensureSamplePartitions(db, dbClock.now());
  } else await markAllDisconnected(db);

  // The incident engine runs inside ingest transactions and queues notices through the outbox.
  const services = createHubServices(config, {
    db,
    log: runtime.log,
    clock: runtime.clock ?? dbClock?.now ?? Date.now,
    random: runtime.random ?? cryptoRandom,
  });
  const { deps, notifications, sessions, policies, artefacts } = services;
  const signer = signingKey?.ok ? createArtefactSigner(artefacts, signingKey.key) : undefined;
  if (signingKey?.ok) {
    runtime.log.info(
      { path: signingKey.path, publicKey: signingKey.key.publicKey, created: signingKey.created },
      'agent update signing key',
    );
  } else runtime.log.warn('no --signing-key for this database: agent updates are not signed nor announced');
  // Layers saved through another hub instance (shared PostgreSQL) reach this one's agents too.
  const policyWatch = policies.watch(POLICY_WATCH_MS);
  const agentSocket = createAgentSocket(deps, sessions, {
    helloTimeoutMs: config.helloTimeoutSec * 1000,
    heartbeatIntervalMs: config.heartbeatIntervalSec * 1000,
    policyFor: (hostId) => policies.policyFor(hostId),
    ...(signer && { agentUpdate: () => signer.announcement() }),
    ...ingestLimits(config),
    observer: services.metrics.ingest,
  });
  const app = createApp(services, agentSocket.routes, {
    ...(signer && { signer }),
    ...(config.publicUrl !== undefined && { publicUrl: config.publicUrl }),
    ...(config.enrolRateLimit !== undefined && { enrolPerMinute: config.enrolRateLimit }),
    metrics: { registry: services.metrics, allow: metricsAllowList(config) },
  });

  const limits = connectionLimits(config);
  const upgraded = new WeakSet<IncomingMessage>();
  agentSocket.wss.on('connection', (_ws, request) => upgraded.add(request));
  // What live sessions last heard reaches the database in batches, not a write per frame (0023).
  const lastHeard = startLastHeardFlush(db, sessions.heard, {
    intervalMs: lastHeardFlushMs(config),
    log: runtime.log,
  });
  let stop: () => Promise<void> = async () => {};
  let sweeper: IncidentSweeper | undefined;
  let inventorySweeper: InventorySweeper | undefined;
  let cluster: Cluster | undefined;
  let retention: RetentionJob | undefined;
  let remediation: { stop(): Promise<void> } | undefined;
  const listening = await new Promise<{ ok: true; port: number } | { ok: false; error: unknown }>(
    (resolve) => {
      const server = serve({
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        websocket: { server: agentSocket.wss },
        serverOptions: { ...serverTimeoutOptions(limits), ...tls.tls },
        // HTTPS and WSS on the same port when given a certificate (agents verify it).
        ...(tls.tls && { createServer: createHttpsServer }),
      });
      // Deadlines and a slot for every socket, an answer for every upgrade request.
      guardConnections(server as Server, limits, { log: runtime.log, upgraded: (req) => upgraded.has(req) });
      server.once('error', (error) => resolve({ ok: false, error }));
      server.once('listening', () => resolve({ ok: true, port: (server.address() as AddressInfo).port }));
      stop = async () => {
        await cluster?.stop();
        await sweeper?.stop();
        await remediation?.stop();
        await policyWatch.stop();
        await inventorySweeper?.stop();
        await retention?.stop();
        await agentSocket.close();
        await lastHeard.stop();
        // After the sockets: their last commits may have queued notices (delivered next start).
        await notifications.worker.stop();
        await new Promise<void>((done) => {
          server.close(() => done());
          // Idle keep-alive HTTP connections would otherwise hold close() open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        });
        await db.destroy();
      };
    },
  );
  if (!listening.ok) {
    await agentSocket.close();
    await lastHeard.stop();
    await db.destroy();
    return { ok: false, code: 'LISTEN_FAILED', error: listening.error };
  }
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `${tls.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${listening.port}`;
  runtime.log.info({ url, db: redactDatabaseUrl(config.db) }, 'hub listening');
  notifications.worker.start();
  // Nobody could hear the agents while this hub was down: their silence counts from now at least.
  const listenedAt = deps.clock();
  await baselineOnListen(db, listenedAt);
  // While the hub re-admits its fleet slower than the agents come back, that wait is not silence.
  const readmission = createReadmissionHold({
    db,
    listenedAt,
    behindAt: agentSocket.behindAt,
    maxMs: READMISSION_HOLD_MAX_MS,
  });
  // Several instances on PostgreSQL: stale sockets closed, revocations heard (LISTEN/NOTIFY).
  if (dbClock)
    cluster = startCluster(deps, {
      url: config.db,
      sessions,
      clock: dbClock,
      checkIntervalMs: Math.min(5000, config.heartbeatIntervalSec * 1000),
      log: runtime.log,
    });
  sweeper = startIncidentSweeper({
    db,
    runtime: deps.incidents,
    silence: silenceSettings(config),
    intervalMs: (config.incidentSweepIntervalSec ?? SETTING_DEFAULTS.incidentSweepIntervalSec) * 1000,
    clock: deps.clock,
    log: runtime.log,
    beforeSweep: async () => {
      await lastHeard.flush();
      await readmission.apply();
    },
  });
  // N0 episodes: the next attempt sent, a verification judged, a ticket paged (decision 0029).
  remediation = startRemediationTicker({
    tick: services.remediation.tick,
    intervalMs: REMEDIATION_TICK_MS,
    log: runtime.log,
  });
  // Security updates pending too long, licence and warranty expiry, licence compliance.
  inventorySweeper = startInventorySweeper({
    db,
    runtime: deps.incidents,
    clock: deps.clock,
    log: runtime.log,
    securityUpdatesMaxAgeMs:
      config.securityUpdatesMaxAgeDays === undefined
        ? DEFAULT_SECURITY_UPDATES_MAX_AGE_MS
        : config.securityUpdatesMaxAgeDays * 86_400_000,
  });
  // Metrics roll-ups and pruning (docs/decisions/0018).
  const retentionSpec = config.retention === undefined ? undefined : parseRetentionSpec(config.retention);
  retention = startRetentionJob({
    db,
    clock: deps.clock,
    log: runtime.log,
    settings: retentionSpec?.ok ? retentionSpec.value : RETENTION_DEFAULTS,
  });
  let closing: Promise<void> | undefined;
  return {
    ok: true,
    hub: {
      url,
      port: listening.port,
      deps,
      notifications,
      close: () => {
        closing ??= stop();
        return closing;
      },
    },
  };
}
