import { describe, expect, it } from 'vitest';
import { type FingerprintDeps, machineFingerprint } from './fingerprint.js';

function linux(files: Record<string, string>): FingerprintDeps {
  return {
    platform: 'linux',
    readFile: async (path) => files[path],
    systemUuids: async () => {
      throw new Error('systeminformation must not be used on Linux');
    },
  };
}

const MACHINE_ID = '4c4c4544004d3510804ab4c04f4d3132\n';
const PRODUCT_UUID = '4C4C4544-004D-3510-804A-B4C04F4D3132\n';

describe('machineFingerprint', () => {
  it('is a sha256 hex digest, identical on every call', async () => {
    const deps = linux({ '/etc/machine-id': MACHINE_ID });
    const first = await machineFingerprint(deps);
    const second = await machineFingerprint(deps);
    expect(first).toMatchObject({ ok: true, sources: ['machine-id'] });
    expect(first.ok && first.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toEqual(first);
  });

  it('mixes in the hardware UUID when readable, so a cloned disk on other hardware differs', async () => {
    const withoutUuid = await machineFingerprint(linux({ '/etc/machine-id': MACHINE_ID }));
    const withUuid = await machineFingerprint(
      linux({ '/etc/machine-id': MACHINE_ID, '/sys/class/dmi/id/product_uuid': PRODUCT_UUID }),
    );
    expect(withUuid).toMatchObject({ ok: true, sources: ['machine-id', 'product-uuid'] });
    expect(withUuid.ok && withUuid.fingerprint).not.toBe(withoutUuid.ok && withoutUuid.fingerprint);
  });

  it('falls back to the D-Bus machine id', async () => {
    const fromEtc = await machineFingerprint(linux({ '/etc/machine-id': MACHINE_ID }));
    const fromDbus = await machineFingerprint(linux({ '/var/lib/dbus/machine-id': MACHINE_ID }));
    expect(fromDbus).toEqual(fromEtc);
  });

  it('ignores placeholder UUIDs shipped by some firmware', async () => {
    const plain = await machineFingerprint(linux({ '/etc/machine-id': MACHINE_ID }));
    const placeholder = await machineFingerprint(
      linux({
        '/etc/machine-id': MACHINE_ID,
        '/sys/class/dmi/id/product_uuid': '00000000-0000-0000-0000-000000000000',
      }),
    );
    expect(placeholder).toEqual(plain);
  });

  it('fails with a clear message when nothing identifies the machine', async () => {
    const result = await machineFingerprint(linux({ '/etc/machine-id': '  \n' }));
    expect(result).toEqual({ ok: false, message: expect.stringContaining('/etc/machine-id') });
  });

  it('uses systeminformation UUIDs on other platforms', async () => {
    const deps: FingerprintDeps = {
      platform: 'win32',
      readFile: async () => undefined,
      systemUuids: async () => ({ os: 'b1e2c3d4-aaaa-bbbb-cccc-111122223333', hardware: '' }),
    };
    expect(await machineFingerprint(deps)).toMatchObject({ ok: true, sources: ['os-uuid'] });
  });
});
