import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_BIN, runCli } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-hub-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigie-hub start --policy', () => {
  it('documents the policy file and the incident timings in help start', async () => {
    const help = await runCli(HUB_BIN, ['help', 'start']);
    for (const flag of ['--policy', 'VIGIE_HUB_POLICY', '--incident-sweep-interval', '--host-silent-grace'])
      expect(help.output).toContain(flag);
  });

  it('refuses to start on a bad policy file, naming the file and the key, with exit 64', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ metricsIntervalSec: 1, processesIntervalSec: 'often' }));
    const started = await runCli(HUB_BIN, [
      'start',
      '--port',
      '0',
      '--db',
      join(dir, 'hub.db'),
      '--policy',
      file,
    ]);
    expect(started.code).toBe(64);
    expect(started.output).toContain(`n'est pas valide (policy file ${file}: processesIntervalSec`);

    const missing = await runCli(HUB_BIN, ['start', '--port', '0', '--db', join(dir, 'hub.db')], {
      VIGIE_HUB_POLICY: join(dir, 'missing.json'),
    });
    expect(missing.code).toBe(64);
    expect(missing.output).toMatch(
      /VIGIE_HUB_POLICY : « .* » n'est pas valide \(policy file .*missing\.json: ENOENT/,
    );
  });
});
