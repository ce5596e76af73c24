import pg from 'pg';
import type { Logger } from 'pino';
import type { HubDeps } from '../config/deps.js';
import { ensureSamplePartitions } from '../db/sample-partitions.js';
import { type LiveSessions, NOWHERE } from '../ingest/live-sessions.js';
import {
  disconnectGoneInstances,
  findStaleSessions,
  instanceApplicationName,
  reassertLiveHosts,
} from './agent-sessions.js';
import type { DatabaseClock } from './database-clock.js';
import { CLUSTER_CHANNEL, type ClusterEvent, PROBES_BATCH, parseClusterEvent, publish } from './notify.js';

export interface ClusterOptions {
  /** The PostgreSQL URL the hub opened: the listener takes one connection of its own. */
  readonly url: string;
  readonly sessions: LiveSessions;
  readonly clock: DatabaseClock;
  /** How often live sessions are checked against the database (a missed notification). */
  readonly checkIntervalMs: number;
  readonly log: Logger;
}

/** This instance's part in a cluster of hubs on one PostgreSQL (PostgreSQL only). */
export interface Cluster {
  /** Call `listener` for each `changed` event of a topic, from any instance (this one included). */
  onChanged(topic: string, listener: (id: string) => void): void;
  /** Handle an event as if it had been notified (tests, and this instance's own changes). */
  handle(event: ClusterEvent): void;
  stop(): Promise<void>;
}

const RECONNECT_MS = 1000;
const PARTITIONS_EVERY_MS = 3_600_000;

/**
 * Listen for the other instances' events (LISTEN vigie_cluster, reconnecting when the connection
 * drops), and check every `checkIntervalMs` what a lost notification would have said: sockets
 * whose agent connected elsewhere since or whose credential was revoked are closed. It also keeps
 * the database clock measured and the samples' daily partitions made ahead.
 */
export function startCluster(deps: Pick<HubDeps, 'db' | 'credentials'>, options: ClusterOptions): Cluster {
  const { sessions, log } = options;
  const listeners = new Map<string, ((id: string) => void)[]>();
  let stopped = false;
  let client: pg.Client | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let lastPartitions = 0;

  function handle(event: ClusterEvent): void {
    switch (event.kind) {
      case 'session': {
        const live = sessions.get(event.agentId);
        if (live?.epoch !== undefined && live.epoch < event.epoch) live.kick('SUPERSEDED');
        return;
      }
      case 'revoked':
        deps.credentials?.forget(event.agentId);
        sessions.get(event.agentId)?.kick('CREDENTIAL_REVOKED');
        return;
      case 'rotate':
        // The cached row predates the request: read it again before deciding.
        deps.credentials?.forget(event.agentId);
        void sessions.get(event.agentId)?.rotate();
        return;
      case 'probes': {
        const wanted = new Set(event.hostIds);
        for (const session of sessions.all())
          if (session.hostId !== undefined && wanted.has(session.hostId)) void session.refreshProbes?.();
        return;
      }
      case 'changed':
        for (const listener of listeners.get(event.topic) ?? []) listener(event.id);
        return;
    }
  }

  async function listen(): Promise<void> {
    if (stopped) return;
    // Named after the instance: the others read pg_stat_activity to know it is alive.
    const next = new pg.Client({
      connectionString: options.url,
      application_name: instanceApplicationName(sessions.instanceId),
    });
    next.on('error', (error) => {
      log.warn({ err: error }, 'cluster listener lost its connection');
      next.end().catch(() => {});
      if (client === next) client = undefined;
      scheduleListen();
    });
    next.on('notification', (message) => {
      const event = parseClusterEvent(message.payload);
      if (event) handle(event);
    });
    try {
      await next.connect();
      await next.query(`listen ${CLUSTER_CHANNEL}`);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
      // Whatever was notified while we were not listening: the check reads it from the tables.
      void check();
    } catch (error) {
      log.warn({ err: error }, 'cluster listener cannot connect');
      next.end().catch(() => {});
      scheduleListen();
    }
  }

  function scheduleListen(): void {
    if (stopped || reconnect) return;
    reconnect = setTimeout(() => {
      reconnect = undefined;
      void listen();
    }, RECONNECT_MS);
    reconnect.unref();
  }

  const liveHostIds = () =>
    sessions.all().flatMap((session) => (session.hostId === undefined ? [] : [session.hostId]));

  let checking: Promise<void> = Promise.resolve();
  function check(): Promise<void> {
    checking = checking.then(async () => {
      if (stopped) return;
      try {
        await options.clock.sync();
        const live = new Map<string, number>();
        for (const session of sessions.all())
          if (session.epoch !== undefined) live.set(session.agentId, session.epoch);
        for (const stale of await findStaleSessions(deps.db, live)) {
          if (stale.reason === 'CREDENTIAL_REVOKED') deps.credentials?.forget(stale.agentId);
          sessions.get(stale.agentId)?.kick(stale.reason);
        }
        // Only with our own listener up: without it, the others may think us gone, and we them.
        if (client) {
          await reassertLiveHosts(deps.db, sessions.instanceId, liveHostIds());
          const gone = await disconnectGoneInstances(deps.db, options.clock.now());
          if (gone > 0) log.info({ hosts: gone }, 'hosts of a hub instance that is gone marked disconnected');
        }
        const now = options.clock.now();
        if (now - lastPartitions >= PARTITIONS_EVERY_MS) {
          await ensureSamplePartitions(deps.db, now);
          lastPartitions = now;
        }
      } catch (error) {
        log.warn({ err: error }, 'cluster check failed');
      }
    });
    return checking;
  }

  sessions.reachElsewhere({
    async refreshProbes(hostIds) {
      for (let i = 0; i < hostIds.length; i += PROBES_BATCH)
        await publish(deps.db, { kind: 'probes', hostIds: hostIds.slice(i, i + PROBES_BATCH) });
    },
    async rotate(agentIds) {
      for (const agentId of agentIds) await publish(deps.db, { kind: 'rotate', agentId });
    },
  });

  const timer = setInterval(() => void check(), options.checkIntervalMs);
  timer.unref();
  void listen();

  return {
    onChanged(topic, listener) {
      listeners.set(topic, [...(listeners.get(topic) ?? []), listener]);
    },
    handle,
    async stop() {
      stopped = true;
      sessions.reachElsewhere(NOWHERE);
      clearInterval(timer);
      if (reconnect) clearTimeout(reconnect);
      await checking;
      await client?.end().catch(() => {});
    },
  };
}
