import { describe, expect, it, vi } from 'vitest';
import { fakeSi, siRecording } from './__fixtures__/si-fake.js';
import { createLinuxServicesCollector } from './services.linux.js';
import { createSiServicesCollector } from './services.si.js';

describe('Linux services collector', () => {
  it('never runs systemctl on a fast cycle', async () => {
    const execFile = vi.fn();
    const services = createLinuxServicesCollector({ execFile, log: vi.fn() });
    expect(await services.collect({ slow: false, services: ['ssh'] })).toBeUndefined();
    expect(execFile).not.toHaveBeenCalled();
  });

  it('asks systemctl once for all names, behind --', async () => {
    const execFile = vi.fn(async () => ({
      stdout: 'Id=ssh.service\nLoadState=loaded\nActiveState=active\n',
    }));
    const services = createLinuxServicesCollector({ execFile, log: vi.fn() });
    expect(await services.collect({ slow: true, services: ['ssh'] })).toEqual([
      { name: 'ssh', state: 'running' },
    ]);
    expect(execFile).toHaveBeenCalledWith('systemctl', [
      'show',
      '--property=Id,LoadState,ActiveState',
      '--',
      'ssh',
    ]);
  });

  it('reports unknown without systemd and logs it once', async () => {
    const execFile = vi.fn(async () => {
      throw new Error('System has not been booted with systemd as init system (PID 1).');
    });
    const log = vi.fn();
    const services = createLinuxServicesCollector({ execFile, log });
    const request = { slow: true, services: ['ssh', 'cron'] };
    await services.collect(request);
    expect(await services.collect(request)).toEqual([
      { name: 'ssh', state: 'unknown' },
      { name: 'cron', state: 'unknown' },
    ]);
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('collects nothing when the policy watches no service', async () => {
    const execFile = vi.fn();
    expect(
      await createLinuxServicesCollector({ execFile, log: vi.fn() }).collect({ slow: true, services: [] }),
    ).toBeUndefined();
  });
});

describe('systeminformation services collector', () => {
  it('maps running, stopped and unlisted services', async () => {
    const services = createSiServicesCollector({ si: fakeSi(siRecording('darwin')), log: vi.fn() });
    expect(await services.collect({ slow: true, services: ['sshd', 'postgres', 'nginx'] })).toEqual([
      { name: 'sshd', state: 'running' },
      { name: 'postgres', state: 'stopped' },
      { name: 'nginx', state: 'unknown' },
    ]);
  });
});
