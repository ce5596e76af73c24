import { describe, expect, it } from 'vitest';
import { formatAllowList, parseAllowList } from './allow-list.js';

describe('the remediation allow-list', () => {
  it('reads the actions and folders an admin allowed', () => {
    const parsed = parseAllowList(
      'restart-service, clean-folder:/var/tmp/ ,clean-folder:/srv/cache,clear-package-cache',
    );
    expect(parsed).toEqual({
      ok: true,
      allow: { restartService: true, clearPackageCache: true, folders: ['/var/tmp', '/srv/cache'] },
    });
    if (parsed.ok)
      expect(formatAllowList(parsed.allow)).toBe(
        'restart-service,clean-folder:/var/tmp,clean-folder:/srv/cache,clear-package-cache',
      );
  });

  it('allows nothing for an empty list or none', () => {
    for (const spec of ['', 'none']) {
      expect(parseAllowList(spec)).toEqual({
        ok: true,
        allow: { restartService: false, clearPackageCache: false, folders: [] },
      });
    }
  });

  it.each([
    ['reboot-machine', /unknown remediation/],
    ['clean-folder:var/tmp', /absolute/],
    ['clean-folder:/', /cannot be \//],
    ['clean-folder:/etc/', /cannot be \/etc/],
    ['run-script:/tmp/x.sh', /unknown remediation/],
  ])('refuses %s', (spec, message) => {
    const parsed = parseAllowList(spec);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
