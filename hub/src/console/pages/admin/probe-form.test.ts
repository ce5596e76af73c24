import { probeSpecSchema } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { probeBodyFromForm } from './probes.js';

const form = (kind: string, target: string, port = '') => ({
  device: 'hst_1',
  name: 'a probe',
  agents: 'hst_2',
  kind,
  target,
  port,
});

describe('the console’s probe form', () => {
  // The API fills intervalSec and timeoutMs when the form leaves them empty.
  it('writes each kind’s target where the probe schema expects it', () => {
    for (const [kind, target, port] of [
      ['ping', '10.0.0.1', ''],
      ['tcp', '10.0.0.1', '22'],
      ['http', 'https://intranet.lan/health', ''],
      ['tls', 'intranet.lan', ''],
      ['dns', 'intranet.lan', ''],
    ] as const) {
      const { device: _d, name, agents, ...spec } = probeBodyFromForm(form(kind, target, port));
      expect(name).toBe('a probe');
      expect(agents).toEqual(['hst_2']);
      expect(
        probeSpecSchema.safeParse({ intervalSec: 30, timeoutMs: 5000, ...spec, id: 'new' }).success,
        kind,
      ).toBe(true);
    }
  });
});
