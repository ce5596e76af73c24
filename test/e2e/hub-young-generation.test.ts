import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { YOUNG_GENERATION_FLAG } from '@vigie/hub/young-generation';
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_BIN, pollUntil } from '../support/processes.js';

// `node hub/bin/vigie-hub.js start` with no semi-space size of its own runs the hub as a child
// that has the hub's (docs/decisions/0038); one given in NODE_OPTIONS is kept, in one process.

const dir = mkdtempSync(join(tmpdir(), 'vigie-hub-young-'));
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const { NODE_OPTIONS: _inherited, ...bareEnv } = process.env;

function startBare(name: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(
    process.execPath,
    [
      HUB_BIN,
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--db',
      join(dir, `${name}.db`),
      '--log-level',
      'warn',
    ],
    { env: { ...bareEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const listening = pollUntil(async () => /listening (\S+)/.exec(output)?.[1], 30_000, `${name} listening`);
  return { child, exited, listening };
}

const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(process.platform === 'linux')('vigie-hub start: the young generation', () => {
  it('started bare, runs the hub as a child with the flag, which ends with a SIGTERM relayed (exit 0)', async () => {
    const hub = startBare('bare');
    await hub.listening;
    const [inner, ...others] = childrenOf(hub.child.pid!);
    expect(others).toEqual([]);
    expect(commandLine(inner!)).toContain(YOUNG_GENERATION_FLAG);
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
    await pollUntil(async () => (alive(inner!) ? undefined : true), 10_000, 'the hub child gone');
  });

  it('ends the hub when the process that started it is killed', async () => {
    const hub = startBare('killed');
    await hub.listening;
    const [inner] = childrenOf(hub.child.pid!);
    hub.child.kill('SIGKILL');
    expect(await hub.exited).toBe('SIGKILL');
    await pollUntil(async () => (alive(inner!) ? undefined : true), 10_000, 'the orphaned hub gone');
  });

  it('keeps a size given in NODE_OPTIONS: one process, no child', async () => {
    const hub = startBare('override', { NODE_OPTIONS: '--max-semi-space-size=16' });
    await hub.listening;
    expect(childrenOf(hub.child.pid!)).toEqual([]);
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toBe(0);
  });
});
