import { createEnrolmentToken, enrolAgent, type HubConfig, type RunningHub, startHub } from '@vigie/hub';
import type { EnrolResponse } from '@vigie/shared';
import { pino } from 'pino';

export const TEST_FINGERPRINT = 'd1d2d3d4d5d6d7d8d9d0e1e2e3e4e5e6';
export const TEST_OS = {
  platform: 'linux',
  distro: 'Debian GNU/Linux',
  release: '12',
  kernel: '6.1.0',
  arch: 'x64',
} as const;

/**
 * A hub in this process: loopback, port 0, SQLite in memory, silent, with the timings the socket
 * suites expect (a 30 s heartbeat never fires during them; a 5 s hello deadline does when asked).
 */
export async function startInProcessHub(
  overrides: Partial<HubConfig> = {},
  clock?: () => number,
): Promise<RunningHub> {
  const started = await startHub(
    {
      host: '127.0.0.1',
      port: 0,
      db: ':memory:',
      logLevel: 'silent',
      heartbeatIntervalSec: 30,
      helloTimeoutSec: 5,
      metricsIntervalSec: 10,
      ...overrides,
    },
    { log: pino({ level: 'silent' }), ...(clock && { clock }) },
  );
  if (!started.ok) throw started.error;
  return started.hub;
}

/** Enrol one agent straight through the hub's service (client acme, site lab, a one-use token). */
export async function enrolInProcess(
  hub: RunningHub,
  hostname: string,
  fingerprint: string = TEST_FINGERPRINT,
): Promise<EnrolResponse> {
  const { token } = await createEnrolmentToken(hub.deps, {
    client: 'acme',
    site: 'lab',
    maxUses: 1,
    ttlMs: 3_600_000,
  });
  const result = await enrolAgent(hub.deps, { token, fingerprint, hostname, os: TEST_OS });
  if (!result.ok) throw new Error(result.code);
  return result.response;
}
