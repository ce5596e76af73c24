import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckRule, DEFAULT_POLICY, policySchema } from '@vigie/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHubConfig } from './config.js';
import { hubPolicy, readPolicyFile } from './policy-file.js';

const dir = mkdtempSync(join(tmpdir(), 'vigie-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileSeq = 0;
function policyFile(content: unknown): string {
  fileSeq += 1;
  const path = join(dir, `policy-${fileSeq}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const dataRule = {
  kind: 'fs.usage',
  enabled: true,
  direction: 'above',
  warning: { trigger: 70, clear: 65 },
  critical: { trigger: 85, clear: 80 },
  forSec: 30,
  clearForSec: 60,
  resources: { include: ['/data*'], exclude: [] },
  options: { freeFloorBytes: { warning: null, critical: null } },
} satisfies CheckRule;

describe('readPolicyFile', () => {
  it('reads intervals, services and rules', () => {
    const read = readPolicyFile(
      policyFile({
        metricsIntervalSec: 5,
        processesIntervalSec: 30,
        services: ['nginx'],
        checks: [dataRule],
      }),
    );
    expect(read).toEqual({
      ok: true,
      overrides: { metricsIntervalSec: 5, processesIntervalSec: 30, services: ['nginx'], checks: [dataRule] },
    });
  });

  it.each([
    ['a metrics interval of zero', { metricsIntervalSec: 0 }, 'metricsIntervalSec'],
    ['a fractional processes interval', { processesIntervalSec: 7.5 }, 'processesIntervalSec'],
    ['services that are not names', { services: [42] }, 'services.0'],
    [
      'a rule of a kind agents do not check',
      { checks: [{ ...dataRule, kind: 'host.silent' }] },
      'checks.0.kind',
    ],
    ['a rule with a typo in its kind', { checks: [{ ...dataRule, kind: 'fs.usgae' }] }, 'checks.0.kind'],
    [
      'a rule whose clear is past its trigger',
      { checks: [{ ...dataRule, warning: { trigger: 70, clear: 75 } }] },
      'checks.0',
    ],
    ['a rule without durations', { checks: [{ ...dataRule, forSec: undefined }] }, 'checks.0.forSec'],
    ['a key the policy file does not take', { inventoryCron: '* * * * *' }, 'inventoryCron'],
  ])('refuses %s, naming the file and the key', (_, content, key) => {
    const path = policyFile(content);
    const read = readPolicyFile(path);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.message).toContain(`policy file ${path}: ${key}`);
  });

  it('says when the file is missing or not JSON', () => {
    expect(readPolicyFile(join(dir, 'missing.json'))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/policy file .*missing\.json: ENOENT/),
    });
    expect(readPolicyFile(policyFile('{"metricsIntervalSec": '))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/policy file .*: not JSON/),
    });
  });
});

describe('hubPolicy', () => {
  it('is the default policy with the configured interval when there is no file', () => {
    expect(hubPolicy({ metricsIntervalSec: 3 })).toEqual({ ...DEFAULT_POLICY, metricsIntervalSec: 3 });
  });

  it('lays the file over the defaults and passes the wire schema', () => {
    const policy = hubPolicy({
      metricsIntervalSec: 5,
      policy: { processesIntervalSec: 30, services: ['nginx'], checks: [dataRule] },
    });
    expect(policy).toMatchObject({
      revision: DEFAULT_POLICY.revision,
      inventoryCron: DEFAULT_POLICY.inventoryCron,
      metricsIntervalSec: 5,
      processesIntervalSec: 30,
      services: ['nginx'],
      checks: [dataRule],
    });
    expect(policySchema.safeParse(policy).success).toBe(true);
  });
});

describe('loadHubConfig with a policy file', () => {
  const file = () => policyFile({ metricsIntervalSec: 7, checks: [dataRule] });

  it('takes --policy or VIGIE_HUB_POLICY, and the file sets the metrics interval', () => {
    const byFlag = loadHubConfig({ policy: file() }, {});
    const byEnv = loadHubConfig({}, { VIGIE_HUB_POLICY: file() });
    for (const result of [byFlag, byEnv]) {
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.config.metricsIntervalSec).toBe(7);
      expect(hubPolicy(result.config).checks).toEqual([dataRule]);
    }
  });

  it('lets --metrics-interval or its variable win over the file', () => {
    const flag = loadHubConfig({ policy: file(), metricsIntervalSec: '2' }, {});
    const env = loadHubConfig({ policy: file() }, { VIGIE_METRICS_INTERVAL: '3' });
    expect(flag.ok && flag.config.metricsIntervalSec).toBe(2);
    expect(env.ok && env.config.metricsIntervalSec).toBe(3);
  });

  it('refuses to start on a bad file, naming the flag, the file and the key', () => {
    const path = policyFile({ checks: [{ ...dataRule, forSec: -1 }] });
    const result = loadHubConfig({ policy: path }, {});
    expect(result).toMatchObject({ ok: false });
    if (result.ok) return;
    expect(result.message).toContain(
      `--policy : « ${path} » n'est pas valide (policy file ${path}: checks.0.forSec`,
    );
    const env = loadHubConfig({}, { VIGIE_HUB_POLICY: path });
    expect(!env.ok && env.message).toMatch(/^VIGIE_HUB_POLICY : « .* » n'est pas valide \(policy file /);
  });

  it('names kebab-case flags in other errors too', () => {
    const result = loadHubConfig({ hostSilentGraceSec: 'soon' }, {});
    expect(!result.ok && result.message).toMatch(
      /^--host-silent-grace : « soon » n'est pas un nombre entre 0.01 et 86400$/,
    );
  });
});
