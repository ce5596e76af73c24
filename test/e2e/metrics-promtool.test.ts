import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from '../support/hub-fixture.js';
import { AGENT_BIN, pollUntil, runCli, startProcess, stopAll } from '../support/processes.js';

// Debian's `prometheus` package; .ci/run installs it. Absent, this suite fails: it must not pass unseen.
const PROMTOOL = '/usr/bin/promtool';

let dir: string;
let hub: TestHub;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-metrics-'));
  hub = await startHub(dir, { args: ['--metrics-interval', '1'] });
});

afterEach(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** `promtool check metrics` reads the exposition on stdin; exit 0 and no output means it is clean. */
function promtoolCheck(body: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, ['check', 'metrics'], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end(body);
  });
}

describe('GET /metrics scraped from a real hub', () => {
  it('is accepted by promtool check metrics while a real agent reports', async () => {
    expect(
      existsSync(PROMTOOL),
      `${PROMTOOL} is missing: install Debian's prometheus package (apt-get install -y prometheus), as .ci/run does`,
    ).toBe(true);
    const created = await hub.api<{ token: string }>('/api/v1/enrolment-tokens', {
      method: 'POST',
      body: JSON.stringify({ client: 'e2e', site: 'lab', maxUses: 1, ttlHours: 1 }),
    });
    const stateDir = join(dir, 'agent');
    const enrolled = await runCli(AGENT_BIN, [
      'enroll',
      '--hub',
      hub.url,
      '--token',
      created.body.token,
      '--state-dir',
      stateDir,
    ]);
    expect(enrolled.code, enrolled.output).toBe(0);
    startProcess(AGENT_BIN, ['run', '--state-dir', stateDir]);

    // Loopback is allowed by default: no token.
    const body = await pollUntil(
      async () => {
        const text = await (await fetch(`${hub.url}/metrics`)).text();
        return /^vigie_ingest_reports_total\{type="metrics"\} [1-9]/m.test(text) ? text : undefined;
      },
      30_000,
      'a metrics report counted',
    );
    expect(body).toMatch(/^vigie_agents_connected 1$/m);
    const checked = await promtoolCheck(body);
    expect(checked, checked.output).toEqual({ code: 0, output: '' });
  });
});
