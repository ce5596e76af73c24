import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ODD_VALUES } from '../test-support/plain-vs-zod.js';
import { CONFIG_KEYS, type ConfigKey, fieldSchema, parseField } from './config.js';

// parseField takes a setting's hand-written check first and its schema when the check says no
// (decision 0039): whatever the value, it must answer exactly as the schema does.

const BOUNDS: Partial<Record<ConfigKey, readonly number[]>> = {
  heartbeatIntervalSec: [1, 600],
  metricsIntervalSec: [1, 3600],
  spoolMaxBytes: [64 * 1024, 16 * 1024 ** 3],
  spoolMaxAgeSec: [60, 366 * 86_400],
  drainRatePerSec: [0.1, 1000],
  updateDelaySec: [0, 7 * 86_400],
  updateProbationSec: [1, 86_400],
  reconnectMaxDelaySec: [0.1, 300],
};
const STRINGS = [
  'http://hub.lan:8080/',
  'https://10.0.0.1',
  'ftp://x',
  'http://',
  '/var/lib/x',
  'warn',
  'server',
  'boss',
];

function expectSameAsSchema(key: ConfigKey, value: unknown): void {
  const ours = parseField(key, value);
  const zod = fieldSchema(key).safeParse(value);
  const label = `${key} = ${JSON.stringify(value)}`;
  expect(ours.success, label).toBe(zod.success);
  if (ours.success && zod.success) expect(ours.data, label).toEqual(zod.data);
  if (!ours.success && !zod.success) expect(ours.error.issues, label).toEqual(zod.error.issues);
}

describe('parseField against each setting schema', () => {
  it('answers as the schema on odd values, bounds and just past them', () => {
    for (const key of CONFIG_KEYS) {
      if (key === 'allowRemediation') continue;
      const near = (BOUNDS[key] ?? []).flatMap((b) => [b, b - 1, b + 1, b - 0.05, b + 0.05, b + 0.5]);
      for (const value of [...ODD_VALUES, ...STRINGS, ...near]) expectSameAsSchema(key, value);
    }
  });

  it('answers as the schema on generated numbers and strings', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CONFIG_KEYS.filter((key) => key !== 'allowRemediation')),
        fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.webUrl()),
        (key, value) => expectSameAsSchema(key, value),
      ),
      { numRuns: 2000 },
    );
  });
});
