import { describe, expect, it } from 'vitest';
import { loadHubConfig } from './config.js';
import { parseLegacyHello } from './legacy-hello.js';

describe('--legacy-hello', () => {
  it('allows for ever, refuses from the epoch, or refuses from a date on', () => {
    expect(parseLegacyHello('allow')).toEqual({ ok: true, until: Number.POSITIVE_INFINITY });
    expect(parseLegacyHello('refuse')).toEqual({ ok: true, until: 0 });
    expect(parseLegacyHello('2027-03-01')).toEqual({ ok: true, until: Date.UTC(2027, 2, 1) });
  });

  it('names the setting when the value is neither', () => {
    expect(parseLegacyHello('sometimes').ok).toBe(false);
    const env = loadHubConfig({}, { VIGIE_HUB_LEGACY_HELLO: 'maybe' });
    expect(!env.ok && env.message).toMatch(
      /^VIGIE_HUB_LEGACY_HELLO : « maybe » n'est pas valide \(expected allow, refuse/,
    );
    const flag = loadHubConfig({ legacyHello: 'refuse' }, {});
    expect(flag.ok && flag.config.legacyHello).toBe('refuse');
  });
});
