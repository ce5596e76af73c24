import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScan, parseSmartctl } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const read = (name: string, exitCode = 0) => parseSmartctl(fixture(name), exitCode);

describe('parseSmartctl', () => {
  it('reads a healthy SATA disk: passed, sector counters at zero', () => {
    expect(read('smart-ata.json')).toEqual({
      ok: true,
      disk: {
        device: '/dev/sdb',
        model: 'WDC WD140EDFZ-11A0VA0',
        serial: '9RK1XXXX',
        protocol: 'ATA',
        passed: true,
        reallocated: 0,
        pending: 0,
        uncorrectable: 0,
        nvmeCriticalWarning: null,
        percentageUsed: null,
        temperature: 32,
        exitStatus: 0,
      },
    });
  });

  it('reads a failing disk behind a USB bridge: failed status, reallocated and pending sectors', () => {
    expect(read('smart-fail2.json', 216)).toMatchObject({
      ok: true,
      disk: {
        protocol: 'ATA',
        passed: false,
        reallocated: 1975,
        pending: 8,
        uncorrectable: 0,
        exitStatus: 216,
      },
    });
  });

  it('reads the NVMe health log: critical warning, percentage used, media errors', () => {
    expect(read('smart-nvme.json')).toMatchObject({
      ok: true,
      disk: { protocol: 'NVMe', passed: true, nvmeCriticalWarning: 0, percentageUsed: 0, uncorrectable: 0 },
    });
    expect(read('smart-nvme-failed.json')).toMatchObject({
      ok: true,
      disk: {
        device: '/dev/nvme0',
        model: 'Samsung SSD 970 EVO 500GB',
        passed: true,
        percentageUsed: 3,
        uncorrectable: 7,
        reallocated: null,
        pending: null,
        temperature: 35,
      },
    });
  });

  it('leaves the overall status unknown when the output has none (an -A run)', () => {
    expect(read('smart-sat.json')).toMatchObject({
      ok: true,
      disk: { passed: null, model: null, pending: 0 },
    });
  });

  it('reads a SAS disk: grown defects as reallocated, uncorrected errors summed', () => {
    expect(read('smart-scsi.json')).toMatchObject({
      ok: true,
      disk: { protocol: 'SCSI', passed: true, reallocated: 56, uncorrectable: 0, pending: null },
    });
  });

  it('says not available for a virtual disk smartctl cannot identify (captured on a VM)', () => {
    expect(read('vda-vm.json', 1)).toEqual({
      ok: false,
      reason: 'no-device',
      detail: '/dev/vda: Unable to detect device type',
    });
  });

  it('says not available for a disk without SMART capability', () => {
    const qemu = JSON.stringify({
      smartctl: { exit_status: 4 },
      device: { name: '/dev/sda', type: 'sat', protocol: 'ATA' },
      model_name: 'QEMU HARDDISK',
      smart_support: { available: false },
    });
    expect(parseSmartctl(qemu, 4)).toMatchObject({ ok: false, reason: 'no-smart' });
  });

  it('tells a sleeping disk apart from a missing one', () => {
    const asleep = JSON.stringify({
      smartctl: { exit_status: 2, messages: [{ string: 'Device is in STANDBY mode, exit(2)' }] },
    });
    expect(parseSmartctl(asleep, 2)).toMatchObject({ ok: false, reason: 'standby' });
  });

  it('rejects output that is not JSON', () => {
    expect(parseSmartctl('smartctl: command not found', 127)).toMatchObject({ reason: 'bad-output' });
  });
});

describe('parseScan', () => {
  it('finds no device on a VM (captured)', () => {
    expect(parseScan(fixture('scan-open-vm.json'))).toEqual([]);
  });

  it('keeps the devices that opened, with their -d type', () => {
    const scan = JSON.stringify({
      devices: [
        { name: '/dev/sda', info_name: '/dev/sda [SAT]', type: 'sat', protocol: 'ATA' },
        { name: '/dev/nvme0', info_name: '/dev/nvme0', type: 'nvme', protocol: 'NVMe' },
        { name: '/dev/sdb', type: 'scsi', protocol: 'SCSI', open_error: 'Permission denied' },
      ],
    });
    expect(parseScan(scan)).toEqual([
      { name: '/dev/sda', type: 'sat' },
      { name: '/dev/nvme0', type: 'nvme' },
    ]);
  });
});
