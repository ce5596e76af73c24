import { policyLayerSchema } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { settingsFromForm, valuesOf } from './form.js';

describe('the N0 part of the policy layer form', () => {
  it('reads an action with its folder and bounds, and none as null', () => {
    const settings = settingsFromForm(
      {
        'rem:fs.usage|action': 'clean-folder',
        'rem:fs.usage|folder': '/var/tmp',
        'rem:fs.usage|olderThanDays': '7',
        'rem:fs.usage|attempts': '1',
        'rem:fs.usage|inMaintenance': 'on',
        'rem:service.down|action': 'none',
        'rem:fs.inodes|action': '',
      },
      {},
    );
    expect(settings.remediation).toEqual({
      'fs.usage': {
        action: 'clean-folder',
        folder: '/var/tmp',
        olderThanDays: 7,
        attempts: 1,
        inMaintenance: true,
      },
      'service.down': null,
    });
    const parsed = policyLayerSchema.safeParse(settings);
    expect(parsed.success).toBe(true);
    if (parsed.success) {
      const values = valuesOf(parsed.data);
      expect(values['rem:fs.usage|folder']).toBe('/var/tmp');
      expect(values['rem:service.down|action']).toBe('none');
      expect(values['rem:fs.usage|inMaintenance']).toBe('on');
    }
  });

  it('leaves a bad figure for the schema to refuse, and inherits when nothing is chosen', () => {
    const bad = settingsFromForm(
      { 'rem:service.down|action': 'restart-service', 'rem:service.down|attempts': 'many' },
      {},
    );
    expect(policyLayerSchema.safeParse(bad).success).toBe(false);
    expect(settingsFromForm({}, {}).remediation).toBeUndefined();
  });
});
