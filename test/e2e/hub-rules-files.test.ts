import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHub } from '../support/hub-fixture.js';
import { HUB_BIN, runCli, stopAll } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-hub-rules-'));
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describe('vigie-hub start --incident-rules FILE --sla-rules FILE', () => {
  it('documents both flags and their variables in help start', async () => {
    const help = await runCli(HUB_BIN, ['help', 'start']);
    for (const flag of ['--incident-rules', 'VIGIE_INCIDENT_RULES', '--sla-rules', 'VIGIE_SLA_RULES'])
      expect(help.output).toContain(flag);
  });

  it('refuses a bad rules file with exit 64, naming the flag and the key', async () => {
    const db = join(dir, 'refused.db');
    const badRules = file('bad-incident.json', { urgency: { warning: 9, critical: 4 } });
    const refused = await runCli(HUB_BIN, ['start', '--port', '0', '--db', db, '--incident-rules', badRules]);
    expect(refused.code).toBe(64);
    expect(refused.output).toMatch(
      /--incident-rules : « .* » n'est pas valide \(incident rules: urgency\.warning/,
    );

    const missing = await runCli(HUB_BIN, [
      'start',
      '--port',
      '0',
      '--db',
      db,
      '--sla-rules',
      join(dir, 'none.json'),
    ]);
    expect(missing.code).toBe(64);
    expect(missing.output).toMatch(/--sla-rules : .*ENOENT/);
  });

  it('runs on the rules the files give: a ticket opened by hand lands in N2 with a 1 h time to own', async () => {
    const hub = await startHub(join(mkdtempSync(join(dir, 'hub-'))), {
      args: [
        '--incident-rules',
        file('incident.json', { defaultLevel: 'N2' }),
        '--sla-rules',
        file('sla.json', { targets: { 2: { ownMs: 3_600_000, resolveMs: 86_400_000 } } }),
      ],
    });
    const sla = await hub.api<{ targets: { priority: number; ownMs: number }[] }>('/api/v1/sla');
    expect(sla.body.targets.find((t) => t.priority === 2)).toMatchObject({ ownMs: 3_600_000 });
    const opened = await hub.api<{
      incident: { level: string; priority: number; opened_at: number; sla_own_due_at: number };
    }>('/api/v1/incidents', {
      method: 'POST',
      body: JSON.stringify({ client: 'acme', title: 'Printer jammed' }),
    });
    expect(opened.status).toBe(201);
    const { incident } = opened.body;
    expect(incident).toMatchObject({ level: 'N2', priority: 2 });
    expect(incident.sla_own_due_at - incident.opened_at).toBe(3_600_000);
  });
});
