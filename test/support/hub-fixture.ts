import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enrolWithCli } from './agent-process.js';
import { AGENT_BIN, HUB_BIN, pollUntil, type RunningProcess, runCli, startProcess } from './processes.js';

/** An incident as `GET /api/v1/incidents` lists it (database columns, snake_case). */
export interface IncidentView {
  id: string;
  dedup_key: string;
  host_id: string | null;
  check: string;
  resource: string;
  state: string;
  severity: 'warning' | 'critical';
  priority: number;
  level: string;
  flapping: number;
  flaps: number;
  occurrences: number;
  resolution: string | null;
  opened_at: number;
  recovered_at: number | null;
  resolved_at: number | null;
}

/** One timeline entry of `GET /api/v1/incidents/:id`. */
export interface TimelineEvent {
  at: number;
  actor: string;
  kind: string;
  detail: Record<string, unknown>;
}

/** A `vigie-hub start` process on a free loopback port, with an admin token to call its API. */
export interface TestHub {
  readonly process: RunningProcess;
  readonly url: string;
  /** Calls the API as admin; the body is parsed JSON (null for 204). */
  api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** Incidents of one host and check, oldest first. */
  incidents(hostId: string, check: string): Promise<IncidentView[]>;
  timeline(incidentId: string): Promise<TimelineEvent[]>;
}

/**
 * Create the admin, write the policy file (when given) and start the hub on `dir/hub.db`.
 * `args` and `env` add to a loopback listener; the caller picks the intervals.
 */
export async function startHub(
  dir: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; policy?: unknown } = {},
): Promise<TestHub> {
  const db = join(dir, 'hub.db');
  const user = await runCli(HUB_BIN, ['user', 'create', 'admin', '--role', 'admin', '--db', db, '--quiet']);
  if (user.code !== 0) throw new Error(`user create failed: ${user.output}`);
  const token = user.output.trim();
  const args = ['start', '--host', '127.0.0.1', '--port', '0', '--db', db, ...(options.args ?? [])];
  if (options.policy !== undefined) {
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify(options.policy, null, 2));
    args.push('--policy', file);
  }
  const hub = startProcess(HUB_BIN, args, options.env);
  const url = (await hub.waitFor(/listening (http:\/\/\S+)/))[1]!;

  async function api<T>(path: string, init: RequestInit = {}) {
    const res = await fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
  }
  return {
    process: hub,
    url,
    api,
    async incidents(hostId, check) {
      // Folded children too (0026): a host's incidents, whatever parent they sit under.
      const { body } = await api<{ incidents: IncidentView[] }>(
        `/api/v1/incidents?host=${encodeURIComponent(hostId)}&include=children&limit=1000`,
      );
      return body.incidents.filter((i) => i.check === check).sort((a, b) => a.opened_at - b.opened_at);
    },
    async timeline(incidentId) {
      const { body } = await api<{ timeline: TimelineEvent[] }>(`/api/v1/incidents/${incidentId}`);
      return body.timeline;
    },
  };
}

/** A real `vigie-agent` enrolled into `hub` and running, with its host id once it reported. */
export interface TestAgent {
  readonly process: RunningProcess;
  readonly hostId: string;
}

/**
 * Enrol this machine into `hub` (client `e2e`, site `lab`) and run the agent with a sample a
 * second; resolves once the host shows up online with health.
 */
export async function startAgent(hub: TestHub, stateDir: string, args: string[] = []): Promise<TestAgent> {
  await enrolWithCli(hub, stateDir, { client: 'e2e' });
  const agent = startProcess(AGENT_BIN, ['run', '--state-dir', stateDir, '--metrics-interval', '1', ...args]);
  const host = await pollUntil(
    async () => {
      const { body } = await hub.api<{ hosts: { id: string; online: boolean; health: unknown }[] }>(
        '/api/v1/hosts',
      );
      return body.hosts.find((h) => h.online && h.health !== null);
    },
    30_000,
    'the agent reporting',
  );
  return { process: agent, hostId: host.id };
}

/** PATCH the host as an admin would, failing loudly if the hub refuses. */
export async function setHost(
  hub: TestHub,
  hostId: string,
  changes: { role?: string; tags?: string[] },
): Promise<void> {
  const res = await hub.api(`/api/v1/hosts/${hostId}`, { method: 'PATCH', body: JSON.stringify(changes) });
  if (res.status !== 200) throw new Error(`PATCH host: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * An `fs.usage` rule for one mount only, with short durations (seconds) for a scenario. Policy rules
 * replace the stock rule of their kind, so this machine's real disks stay out of the scenario.
 */
export function fsUsageRule(mount: string, durations: { forSec: number; clearForSec: number }) {
  return {
    kind: 'fs.usage',
    enabled: true,
    direction: 'above',
    // The stock thresholds (80 / 90 %); no free-space floor, which an 8 MiB tmpfs is far below anyway.
    warning: { trigger: 80, clear: 75 },
    critical: { trigger: 90, clear: 85 },
    ...durations,
    resources: { include: [mount], exclude: [] },
    options: { freeFloorBytes: { warning: null, critical: null } },
  };
}

/** Print one measured latency as a `[measure]` line (collected into the report). */
export function measure(what: string, ms: number): void {
  console.log(`[measure] ${what}: ${ms} ms`);
}
