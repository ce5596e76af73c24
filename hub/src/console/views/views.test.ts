import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/i18n.js';
import { showBidiControls } from './bidi.js';
import { bytesIn, slaBadge } from './format.js';
import { inventoryChangeText } from './inventory-change.js';
import { pathText, reasonText } from './refusal-text.js';

const fr = translator('fr', 'Europe/Paris');
const en = translator('en', 'America/New_York');
const change = (kind: string, field: string, old_value: string | null, new_value: string | null) => ({
  at: 0,
  kind,
  field,
  old_value,
  new_value,
  security: 0,
});

describe('what a person reads', () => {
  it('writes inventory changes in words, with byte units and no machine field names', () => {
    const memory = inventoryChangeText(
      fr,
      change('hardware_changed', 'hardware.memTotal', '25276063744', '34359738368'),
    );
    expect(memory).toBe('Matériel modifié : mémoire totale 23,5 Gio → 32 Gio');
    expect(
      inventoryChangeText(en, change('hardware_changed', 'hardware.memTotal', '25276063744', null)),
    ).toBe('Hardware changed : total memory 23.5 GiB');
    expect(
      inventoryChangeText(fr, change('software_installed', 'software:dpkg:firefox-esr', null, '128.3')),
    ).toBe('Logiciel installé : firefox-esr 128.3');
    expect(
      inventoryChangeText(fr, change('hardware_removed', 'memory:DIMM1', '17179869184 DDR4', null)),
    ).toBe('Matériel retiré : Barrette mémoire DIMM1 16 Gio DDR4');
    expect(inventoryChangeText(fr, change('hardware_changed', 'hardware.virtual', 'true', 'false'))).toBe(
      'Matériel modifié : machine virtuelle oui → non',
    );
  });

  it('writes byte counts with binary units in the reader’s language', () => {
    expect(bytesIn(fr, 1536)).toBe('1,5 Kio');
    expect(bytesIn(en, 5 * 2 ** 20)).toBe('5 MiB');
    expect(bytesIn(fr, 12)).toBe('12 octets');
  });

  it('shows each bidi control as its code point, so a name cannot display reversed', () => {
    expect(showBidiControls('poste-\u202Egnp.exe')).toBe('poste-⟦U+202E⟧gnp.exe');
    expect(showBidiControls('a\u2066b\u2069c\u202Ad')).toBe('a⟦U+2066⟧b⟦U+2069⟧c⟦U+202A⟧d');
    expect(showBidiControls('plain')).toBe('plain');
  });

  it('translates form refusals: the field and the reason in words', () => {
    expect(reasonText(fr, 'warning.clear must not be past warning.trigger for a rule that fires above')).toBe(
      'le seuil de retour (avertissement) ne doit pas dépasser le seuil de déclenchement pour une règle qui se déclenche au-dessus',
    );
    expect(reasonText(fr, 'not a cron expression of 5 or 6 fields')).toContain('planification cron');
    expect(reasonText(fr, 'Some engine sentence nobody translated')).toBe('valeur refusée');
    expect(reasonText(en, 'Some engine sentence nobody translated')).toBe(
      'Some engine sentence nobody translated',
    );
    expect(pathText(fr, 'checks.cpu.busy.warning.trigger')).toBe(
      'Processeur saturé — avertissement, seuil de déclenchement',
    );
  });

  it('gives an SLA clock its due time in the reader’s zone and the time left', async () => {
    const now = Date.UTC(2026, 11, 7, 12, 0);
    const clock = { status: 'running', elapsedPct: 50, dueAt: now + 90 * 60_000 } as const;
    const paris = String(await slaBadge(fr, clock as never, now));
    expect(paris).toContain('échéance 14:30 · reste 1 h 30 min');
    const newYork = String(
      await slaBadge(en, { ...clock, dueAt: now - 5 * 60_000, status: 'breached' } as never, now),
    );
    expect(newYork).toContain('due 06:55 · 5 min overdue');
  });
});
