import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RemediateMessage, RuleState } from '@vigie/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrackedCheck } from '../checks/local-checks.js';
import { SILENT_LOG } from '../logger.js';
import type { RemediationResultItem } from '../transport/outbox-entries.js';
import { NOTHING_ALLOWED, parseAllowList, type RemediationAllowList } from './allow-list.js';
import { createRemediationRunner } from './runner.js';
import { systemRemediationTools } from './tools.js';

// No systemd here: a stand-in `systemctl` first on PATH really starts and stops the unit's process
// (test/support/systemctl-stand-in.mjs, run by path: it is a program, not an import).
const STAND_IN = fileURLToPath(new URL('../../../test/support/systemctl-stand-in.mjs', import.meta.url));

let root: string;
let state: string;
let env: NodeJS.ProcessEnv;

const failing: RuleState = { state: 'critical', triggeredSince: {}, lastValue: 1 };
let checks: TrackedCheck[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vigie-runner-'));
  state = join(root, 'state');
  const bin = join(root, 'bin');
  mkdirSync(state);
  mkdirSync(bin);
  writeFileSync(join(state, 'units.json'), JSON.stringify({ 'web.service': ['sleep', '600'] }));
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\nexec "${process.execPath}" "${STAND_IN}" "$@"\n`, {
    mode: 0o755,
  });
  env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, VIGIE_SYSTEMCTL_STATE: state };
  checks = [{ kind: 'service.down', resource: 'web', state: failing, threshold: 1 }];
});

afterEach(() => {
  try {
    process.kill(Number(readFileSync(join(state, 'web.service.pid'), 'utf8')), 'SIGKILL');
  } catch {
    // Never started, or already gone.
  }
  rmSync(root, { recursive: true, force: true });
});

function runner(allow: RemediationAllowList) {
  const reports: RemediationResultItem[] = [];
  const tools = systemRemediationTools('linux', env);
  const run = createRemediationRunner({
    allow,
    checks: () => checks,
    services: tools.services,
    exec: tools.exec,
    report: (item) => reports.push(item),
    log: SILENT_LOG,
    clock: Date.now,
  });
  return { run, reports };
}

const allowAll = () => {
  const parsed = parseAllowList('restart-service');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.allow;
};

const request = (over: Partial<RemediateMessage> = {}): RemediateMessage => ({
  type: 'remediate',
  attemptId: 'rmd_test_0001-1',
  check: 'service.down',
  resource: 'web',
  action: 'restart-service',
  params: {},
  attempt: 1,
  maxAttempts: 2,
  windowSec: 3600,
  ...over,
});

const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

// Each stand-in call starts a Node process: slow on a busy machine.
describe('the remediation runner', { timeout: 30_000 }, () => {
  it('restarts an allowed, listed unit for real and reports it done', async () => {
    const { run, reports } = runner(allowAll());
    await run.handle(request());
    expect(reports).toEqual([expect.objectContaining({ outcome: 'done', attemptId: 'rmd_test_0001-1' })]);
    const pid = Number(readFileSync(join(state, 'web.service.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);
    expect(readFileSync(join(state, 'restarts.log'), 'utf8')).toBe('restart web.service\n');
  });

  it('refuses what the machine did not allow, and runs nothing', async () => {
    const { run, reports } = runner(NOTHING_ALLOWED);
    await run.handle(request());
    expect(reports).toEqual([expect.objectContaining({ outcome: 'refused', reason: 'not-allowed' })]);
    expect(() => readFileSync(join(state, 'restarts.log'))).toThrow();
  });

  it('refuses a unit the service manager does not list, and a check that is not failing here', async () => {
    const { run, reports } = runner(allowAll());
    checks = [...checks, { kind: 'service.down', resource: 'sshd', state: failing, threshold: 1 }];
    await run.handle(request({ resource: 'sshd' }));
    checks = [{ kind: 'service.down', resource: 'web', state: { ...failing, state: 'ok' }, threshold: null }];
    await run.handle(request());
    expect(reports.map((r) => r.reason)).toEqual(['invalid-params', 'not-failing']);
  });

  it('keeps to its bound: K attempts, then bound-reached', async () => {
    const { run, reports } = runner(allowAll());
    for (let i = 1; i <= 3; i++) await run.handle(request({ attempt: i, attemptId: `rmd_test_0001-${i}` }));
    expect(reports.map((r) => r.outcome)).toEqual(['done', 'done', 'refused']);
    expect(reports[2]?.reason).toBe('bound-reached');
    expect(readFileSync(join(state, 'restarts.log'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('cleans only a folder the machine allowed', async () => {
    const allowed = join(root, 'cache');
    mkdirSync(allowed);
    const parsed = parseAllowList(`clean-folder:${allowed}`);
    if (!parsed.ok) throw new Error(parsed.message);
    const { run, reports } = runner(parsed.allow);
    checks = [{ kind: 'fs.usage', resource: '/', state: failing, threshold: 90 }];
    const clean = { check: 'fs.usage', resource: '/', action: 'clean-folder' as const };
    await run.handle(request({ ...clean, params: { folder: allowed, olderThanDays: 7 } }));
    await run.handle(request({ ...clean, params: { folder: root, olderThanDays: 7 } }));
    await run.handle(request({ ...clean, action: 'clear-package-cache' }));
    expect(reports.map((r) => r.reason ?? r.outcome)).toEqual(['done', 'not-allowed', 'not-allowed']);
  });
});
