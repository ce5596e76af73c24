import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestHub } from './hub-fixture.js';
import { AGENT_BIN, type RunningProcess, runCli, startProcess } from './processes.js';

/** What the one-use enrolment token names; `site` defaults to `lab`. */
export interface EnrolmentScope {
  client: string;
  site?: string;
  role?: 'server' | 'workstation';
}

/**
 * `vigie-agent enroll` this machine into `hub` with a fresh one-use token for `scope`, writing its
 * credentials to `stateDir`; returns the token as created (its clientId and siteId among others).
 */
export async function enrolWithCli(
  hub: TestHub,
  stateDir: string,
  scope: EnrolmentScope,
): Promise<{ token: string; clientId: string; siteId: string }> {
  const created = await hub.api<{ token: string; clientId: string; siteId: string }>(
    '/api/v1/enrolment-tokens',
    {
      method: 'POST',
      body: JSON.stringify({ site: 'lab', ...scope, maxUses: 1, ttlHours: 1 }),
    },
  );
  if (created.status !== 201) throw new Error(`enrolment token: ${JSON.stringify(created.body)}`);
  const enrolled = await runCli(AGENT_BIN, [
    'enroll',
    '--hub',
    hub.url,
    '--token',
    created.body.token,
    '--state-dir',
    stateDir,
  ]);
  if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.output}`);
  return created.body;
}

/** Enrol this machine into `hub` (site `lab`; two agents of one machine need two clients) without starting the agent; returns its agent id. */
export async function enrolAgentState(
  hub: TestHub,
  stateDir: string,
  client = 'e2e',
): Promise<{ agentId: string; hostId: string }> {
  await enrolWithCli(hub, stateDir, { client });
  const credentials = JSON.parse(readFileSync(join(stateDir, 'credentials.json'), 'utf8')) as {
    agentId: string;
    hostId: string;
  };
  return { agentId: credentials.agentId, hostId: credentials.hostId };
}

/** `vigie-agent run` against `hubUrl` (a fault proxy, usually), a sample a second. */
export function runAgent(stateDir: string, hubUrl: string, args: string[] = []): RunningProcess {
  return startProcess(
    AGENT_BIN,
    ['run', '--state-dir', stateDir, '--metrics-interval', '1', '--log-level', 'info', ...args],
    // `run` has no --hub flag: the environment overrides the URL saved at enrolment.
    { VIGIE_HUB_URL: hubUrl },
  );
}

/** SIGKILL by pid and wait for the exit: what a crash or a power cut does to the process. */
export async function killHard(target: RunningProcess): Promise<void> {
  const pid = target.child.pid;
  if (pid === undefined) throw new Error('no pid');
  process.kill(pid, 'SIGKILL');
  const exit = await target.exited(10_000);
  if (exit !== 'SIGKILL') throw new Error(`expected SIGKILL, got ${exit}`);
}

/** Occurrences of `pattern` in a process's output so far. */
export function countLines(target: RunningProcess, pattern: RegExp): number {
  return target
    .output()
    .split('\n')
    .filter((line) => pattern.test(line)).length;
}

/** Wait until `pattern` occurred `count` times in a process's output; the error carries the output. */
export async function waitForLines(
  target: RunningProcess,
  pattern: RegExp,
  count: number,
  deadlineMs: number,
) {
  const deadline = Date.now() + deadlineMs;
  while (countLines(target, pattern) < count) {
    if (Date.now() > deadline || target.child.exitCode !== null)
      throw new Error(
        `${count}× ${pattern} not seen within ${deadlineMs} ms; output:\n${target.output().slice(-4000)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
