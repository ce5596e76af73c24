import { readFileSync } from 'node:fs';
import { DEFAULT_CHECK_RULES } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { parseSmartctl, type SmartDisk } from '../collectors/smart/parse.js';
import { createLocalChecks } from './local-checks.js';
import { checkMessage } from './messages.js';
import { createSmartCheck, SMART_HEALTH, smartObservation } from './smart.js';

const fixture = (name: string, exitCode = 0): SmartDisk => {
  const text = readFileSync(new URL(`../collectors/smart/__fixtures__/${name}`, import.meta.url), 'utf8');
  const result = parseSmartctl(text, exitCode);
  if (!result.ok) throw new Error(`${name}: ${result.detail}`);
  return result.disk;
};
const HEALTHY_ATA = fixture('smart-ata.json');
const FAILED_ATA = fixture('smart-fail2.json', 216);
const NVME = fixture('smart-nvme.json');

describe('smartObservation', () => {
  it('a healthy SATA or NVMe disk is 0', () => {
    expect(smartObservation(HEALTHY_ATA, undefined).value).toBe(SMART_HEALTH.ok);
    expect(smartObservation(NVME, undefined).value).toBe(SMART_HEALTH.ok);
  });

  it('a failed overall status is failing, and says why', () => {
    const observation = smartObservation(FAILED_ATA, undefined);
    expect(observation).toMatchObject({
      kind: 'disk.smart',
      resource: '/dev/sdc',
      value: SMART_HEALTH.failing,
    });
    const message = checkMessage({ ...observation, direction: 'above', state: 'critical', threshold: 1 });
    expect(message).toBe('/dev/sdc SMART health is failing (1975 reallocated, 8 pending sectors)');
  });

  it('any NVMe critical warning bit is failing', () => {
    expect(smartObservation({ ...NVME, nvmeCriticalWarning: 4 }, undefined).value).toBe(SMART_HEALTH.failing);
  });

  it('sectors above 0 are degrading only when they grew since the previous reading', () => {
    const stable = { ...HEALTHY_ATA, reallocated: 12 };
    expect(smartObservation(stable, undefined).value).toBe(SMART_HEALTH.ok);
    expect(smartObservation(stable, { reallocated: 12, pending: 0, uncorrectable: 0 }).value).toBe(0);
    const grown = { ...HEALTHY_ATA, reallocated: 12, pending: 3 };
    expect(smartObservation(grown, { reallocated: 12, pending: 0, uncorrectable: 0 }).value).toBe(
      SMART_HEALTH.degrading,
    );
  });

  it('NVMe wear at 90 % is degrading, 89 % is not', () => {
    expect(smartObservation({ ...NVME, percentageUsed: 90 }, undefined).value).toBe(SMART_HEALTH.degrading);
    expect(smartObservation({ ...NVME, percentageUsed: 89 }, undefined).value).toBe(SMART_HEALTH.ok);
  });

  it('an unknown overall status is not a failure', () => {
    expect(smartObservation(fixture('smart-sat.json'), undefined).value).toBe(SMART_HEALTH.ok);
  });
});

describe('createSmartCheck', () => {
  const MIN = 60_000;

  it('reads at most every interval and warns on growth with the default rule, then clears a day later', async () => {
    let disk: SmartDisk = { ...HEALTHY_ATA, reallocated: 2 };
    let reads = 0;
    const smart = createSmartCheck({
      reader: {
        read: async () => {
          reads += 1;
          return [disk];
        },
      },
    });
    const checks = createLocalChecks({ rules: [...DEFAULT_CHECK_RULES] });
    const evaluate = async (at: number) => checks.evaluate({ at }, at, await smart.observe(at));

    expect(await evaluate(0)).toEqual([]);
    expect(await evaluate(5 * MIN)).toEqual([]);
    expect(reads).toBe(1);
    disk = { ...disk, reallocated: 5 };
    expect(await evaluate(10 * MIN)).toMatchObject([{ check: 'disk.smart', state: 'warning', value: 1 }]);
    // Stable again: the warning holds (hysteresis) until a day without growth.
    expect(await evaluate(20 * MIN)).toEqual([]);
    expect(await evaluate(20 * MIN + 24 * 60 * MIN)).toMatchObject([{ state: 'ok', previous: 'warning' }]);
  });

  it('reports nothing at all when no disk has SMART (a VM)', async () => {
    const smart = createSmartCheck({ reader: { read: async () => [] } });
    expect(await smart.observe(0)).toEqual([]);
  });
});
