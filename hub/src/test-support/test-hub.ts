import { type EnrolResponse, type Hello, PROTOCOL_VERSION } from '@vigie/shared';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { createUserWithToken } from '../access/create-user.js';
import { type HubConfig, loadHubConfig } from '../config/config.js';
import type { HubDeps } from '../config/deps.js';
import type { Database } from '../db/database.js';
import type { UserRole } from '../db/tables/users.js';
import { createEnrolmentToken } from '../enrolment/create-enrolment-token.js';
import { enrolAgent } from '../enrolment/enrol-agent.js';
import { clientAddressResolver } from '../security/client-address.js';
import { cryptoRandom } from '../security/secrets.js';
import { type RunningHub, startHub } from '../server.js';
import { createHubServices, type HubServices } from '../services.js';
import { testIncidentRuntime } from './incident-runtime.js';
import { createTestDatabase, testDatabaseUrl } from './test-database.js';

/**
 * A fresh database with the real migrations (in-memory SQLite, or its own PostgreSQL schema when
 * VIGIE_TEST_DB=postgres), and silent deps around it.
 */
export async function createTestDeps(clock: () => number = Date.now): Promise<HubDeps> {
  const db: Kysely<Database> = await createTestDatabase();
  // Stock rules from the hub's own factory; notices go nowhere unless a test plugs a notifier.
  return {
    db,
    clock,
    random: cryptoRandom,
    log: pino({ level: 'silent' }),
    clientAddress: clientAddressResolver(),
    incidents: testIncidentRuntime(),
  };
}

/** The configuration of a hub started with no flag and no environment: stock everything. */
const STOCK_CONFIG: HubConfig = (() => {
  const loaded = loadHubConfig({}, {});
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
})();

/**
 * The hub's services from its own factory and a stock configuration, around the test's deps (so
 * its incident runtime); `parts` replaces whole services.
 */
export function testHubServices(deps: HubDeps, parts: Partial<Omit<HubServices, 'deps'>> = {}): HubServices {
  return { ...createHubServices(STOCK_CONFIG, deps), deps, ...parts };
}

/**
 * A real hub on a free loopback port with its own database (see createTestDeps); `clock` replaces
 * the hub's (the database's on PostgreSQL) for tests that move time.
 */
export async function startTestHub(
  overrides: Partial<HubConfig> = {},
  runtime: { clock?: () => number } = {},
): Promise<RunningHub> {
  const database = overrides.db === undefined ? await testDatabaseUrl() : undefined;
  const config: HubConfig = {
    host: '127.0.0.1',
    port: 0,
    db: database?.url ?? ':memory:',
    logLevel: 'silent',
    heartbeatIntervalSec: 30,
    helloTimeoutSec: 5,
    metricsIntervalSec: 10,
    ...overrides,
  };
  const started = await startHub(config, {
    log: pino({ level: config.logLevel }),
    ...(runtime.clock && { clock: runtime.clock }),
  });
  if (!started.ok) {
    await database?.release();
    throw started.error;
  }
  if (!database) return started.hub;
  const hub = started.hub;
  let closing: Promise<void> | undefined;
  return {
    ...hub,
    close: () => {
      closing ??= hub.close().then(database.release);
      return closing;
    },
  };
}

/** A user's API bearer token (test support). */
export async function userToken(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random'>,
  name: string,
  role: UserRole,
): Promise<string> {
  const created = await createUserWithToken(deps, { name, role });
  if (!created.ok) throw new Error(`user ${name}: ${created.code}`);
  return created.token;
}

/** A request to an API app as the bearer of `token`, with `body` sent as JSON when given (test support). */
export function jsonRequest(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Response | Promise<Response> {
  return app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export const TEST_FINGERPRINT = 'f1f2f3f4f5f6f7f8f9f0a1a2a3a4a5a6';

/** The machine tests enrol: a Debian server. */
export const TEST_OS = {
  platform: 'linux',
  distro: 'Debian GNU/Linux',
  release: '12',
  kernel: '6.1.0',
  arch: 'x64',
} as const;

/** Enrol one agent straight through the hub's service, as `vigie-agent enroll` would over HTTP. */
export async function enrolTestAgent(
  deps: Pick<HubDeps, 'db' | 'clock' | 'random' | 'incidents'>,
  hostname = 'srv-test-01',
  fingerprint = TEST_FINGERPRINT,
): Promise<EnrolResponse> {
  const { token } = await createEnrolmentToken(deps, {
    client: 'acme',
    site: 'paris',
    maxUses: 1,
    ttlMs: 3_600_000,
  });
  const result = await enrolAgent(deps, {
    token,
    fingerprint,
    hostname,
    os: TEST_OS,
  });
  if (!result.ok) throw new Error(result.code);
  return result.response;
}

/** The hello an agent with this credential would send. */
export function helloFor(credential: EnrolResponse, overrides: Partial<Hello> = {}): Hello {
  return {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    credential: { agentId: credential.agentId, secret: credential.secret },
    fingerprint: TEST_FINGERPRINT,
    agentVersion: '0.1.0-test',
    hostname: 'srv-test-01',
    os: TEST_OS,
    bootId: 'boot_test_0001',
    ...overrides,
  };
}
