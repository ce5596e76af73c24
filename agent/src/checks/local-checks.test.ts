import { type CheckRule, DEFAULT_CHECK_RULES, type FilesystemSample, type Sample } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { createLocalChecks } from './local-checks.js';
import { checkMessage, duration, formatBytes } from './messages.js';

const GIB = 1024 ** 3;
const T0 = 1_764_000_000_000;
const rule = (kind: CheckRule['kind']) => DEFAULT_CHECK_RULES.find((r) => r.kind === kind)!;
const FAST_FS: CheckRule = { ...rule('fs.usage'), forSec: 20, clearForSec: 20 };

function fs(mount: string, usedPct: number, sizeGib = 100): FilesystemSample {
  const usedBytes = Math.round((sizeGib * GIB * usedPct) / 100);
  return {
    mount,
    device: '/dev/x',
    fsType: 'ext4',
    sizeBytes: sizeGib * GIB,
    usedBytes,
    freeBytes: sizeGib * GIB - usedBytes,
    usedPct,
  };
}

/** Runs one sample every 10 s; returns the changes as `second check resource from>to`. */
function drive(
  checks: ReturnType<typeof createLocalChecks>,
  steps: ReadonlyArray<(second: number) => Sample>,
) {
  const out: string[] = [];
  steps.forEach((step, i) => {
    const second = i * 10;
    for (const c of checks.evaluate(step(second), T0 + second * 1000))
      out.push(`${second} ${c.check} ${c.resource ?? ''} ${c.previous}>${c.state}`);
  });
  return out;
}
const at = (second: number) => T0 + second * 1000;

describe('createLocalChecks', () => {
  it('reports a sustained filesystem breach once, escalates it, then reports the recovery', () => {
    const checks = createLocalChecks({ rules: [FAST_FS] });
    const usage = [50, 85, 85, 85, 95, 95, 95, 50, 50, 50];
    const changes = drive(
      checks,
      usage.map((pct) => (s: number) => ({ at: at(s), filesystems: [fs('/var', pct)] })),
    );
    expect(changes).toEqual([
      '30 fs.usage /var ok>warning',
      '60 fs.usage /var warning>critical',
      '90 fs.usage /var critical>ok',
    ]);
  });

  it('reports a check still failing again every reassertAfterSec, not while recovering, never when ok', () => {
    const checks = createLocalChecks({ rules: [FAST_FS], reassertAfterSec: 30 });
    const usage = [85, 85, 85, 85, 85, 85, 85, 85, 50, 50, 50, 50, 50, 50, 50, 50];
    const changes = drive(
      checks,
      usage.map((pct) => (s: number) => ({ at: at(s), filesystems: [fs('/var', pct)] })),
    );
    expect(changes).toEqual([
      '20 fs.usage /var ok>warning',
      '50 fs.usage /var warning>warning',
      '100 fs.usage /var warning>ok',
    ]);
  });

  it('builds the message, value and threshold the hub stores', () => {
    const checks = createLocalChecks({ rules: [{ ...FAST_FS, forSec: 0 }] });
    const [change] = checks.evaluate({ at: at(0), filesystems: [fs('/var', 91.2)] }, at(0));
    expect(change).toEqual({
      check: 'fs.usage',
      resource: '/var',
      state: 'critical',
      previous: 'ok',
      value: 91.2,
      threshold: 90,
      message: '/var is 91.2 % full (8.8 GiB free); critical above 90 %',
      at: at(0),
    });
  });

  it('keeps states of resources whose section is absent this cycle (services on fast cycles)', () => {
    const checks = createLocalChecks({ rules: [{ ...rule('service.down'), forSec: 0 }] });
    const down = (s: number): Sample => ({ at: at(s), services: [{ name: 'nginx', state: 'stopped' }] });
    const fast = (s: number): Sample => ({ at: at(s) });
    expect(drive(checks, [down, fast, fast, fast, fast])).toEqual(['0 service.down nginx ok>critical']);
  });

  it('reports a vanished non-ok resource ok after goneAfterSec, and forgets ok ones at once', () => {
    const checks = createLocalChecks({ rules: [{ ...FAST_FS, forSec: 0 }], goneAfterSec: 30 });
    const both = (s: number): Sample => ({ at: at(s), filesystems: [fs('/mnt/usb', 95), fs('/var', 10)] });
    const onlyVar = (s: number): Sample => ({ at: at(s), filesystems: [fs('/var', 10)] });
    const changes = drive(checks, [both, onlyVar, onlyVar, onlyVar, onlyVar]);
    expect(changes).toEqual(['0 fs.usage /mnt/usb ok>critical', '30 fs.usage /mnt/usb critical>ok']);
  });

  it('clears the states of a check a new policy disables, and keeps the others', () => {
    const checks = createLocalChecks({
      rules: [
        { ...FAST_FS, forSec: 0 },
        { ...rule('cpu.busy'), forSec: 0 },
      ],
    });
    checks.evaluate(
      { at: at(0), cpu: { usagePct: 99, perCorePct: [] }, filesystems: [fs('/var', 95)] },
      at(0),
    );
    const changes = checks.setRules(
      [
        { ...FAST_FS, enabled: false },
        { ...rule('cpu.busy'), forSec: 0 },
      ],
      at(5),
    );
    expect(changes).toMatchObject([
      { check: 'fs.usage', resource: '/var', previous: 'critical', state: 'ok' },
    ]);
    expect(changes[0]!.message).toBe('/var is no longer checked by the policy; check cleared');
    expect(checks.evaluate({ at: at(10), cpu: { usagePct: 99, perCorePct: [] } }, at(10))).toEqual([]);
  });

  it('forecasts a filling filesystem from its own history', () => {
    const forecast: CheckRule = {
      ...rule('fs.forecast'),
      kind: 'fs.forecast',
      forSec: 0,
      options: { windowSec: 3600, minPoints: 5, minSpanSec: 40 },
    };
    const checks = createLocalChecks({ rules: [forecast] });
    // 1 GiB more every 10 s, 60 GiB free at the start: full in about 10 minutes.
    const filling = Array.from(
      { length: 6 },
      (_, i) =>
        (s: number): Sample => ({ at: at(s), filesystems: [fs('/var', 40 + i, 100)] }),
    );
    expect(drive(checks, filling)).toEqual(['40 fs.forecast /var ok>critical']);
  });

  it('evaluates observations the runtime supplies (clock drift)', () => {
    const checks = createLocalChecks({ rules: [{ ...rule('clock.drift'), forSec: 0 }] });
    const [change] = checks.evaluate({ at: at(0) }, at(0), [
      { kind: 'clock.drift', resource: '', value: 75, facts: { offsetMs: 75_000 } },
    ]);
    expect(change).toMatchObject({ check: 'clock.drift', state: 'warning', value: 75, threshold: 60 });
    expect(change?.resource).toBeUndefined();
    expect(change?.message).toBe("Clock is 75 s behind the hub's; warning above 60 s");
  });
});

describe('messages', () => {
  it('reads as a technician would write it', () => {
    expect(
      checkMessage({
        kind: 'cpu.busy',
        resource: '',
        state: 'ok',
        direction: 'above',
        value: 42,
        threshold: 80,
      }),
    ).toBe('CPU is 42.0 % busy; back at or below 80 %');
    expect(
      checkMessage({
        kind: 'service.down',
        resource: 'nginx',
        state: 'critical',
        direction: 'above',
        value: 1,
        threshold: 0,
      }),
    ).toBe('nginx is not running');
    expect(
      checkMessage({
        kind: 'battery.wear',
        resource: '',
        state: 'warning',
        direction: 'below',
        value: 55,
        threshold: 60,
      }),
    ).toBe('Battery holds 55.0 % of its design capacity; warning below 60 %');
    expect(
      checkMessage({
        kind: 'fs.forecast',
        resource: '/var',
        state: 'warning',
        direction: 'below',
        value: 5 * 3600,
        threshold: 86_400,
      }),
    ).toBe('/var will be full in about 5.0 h at the current rate; warning below 24.0 h');
  });

  it('formats bytes and durations with one readable unit', () => {
    expect(formatBytes(9.1 * GIB)).toBe('9.1 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect([duration(90), duration(600), duration(5400), duration(3 * 3600), duration(3 * 86_400)]).toEqual([
      '90 s',
      '10 min',
      '90 min',
      '3.0 h',
      '3.0 d',
    ]);
  });
});
