import { describe, expect, it } from 'vitest';
import { INCIDENT_EVENT_KINDS } from '../../db/incident-event-kinds.js';
import { EN } from './en.js';
import { FR, isMessageKey } from './fr.js';

describe('timeline event labels', () => {
  const dictionaries = { fr: FR, en: EN } as const;

  for (const [lang, dictionary] of Object.entries(dictionaries)) {
    it(`labels in ${lang} every kind of event the incident engine writes`, () => {
      const unlabelled = INCIDENT_EVENT_KINDS.filter((kind) => {
        const key = `ev_${kind}`;
        return !isMessageKey(key) || dictionary[key].trim() === '';
      });
      expect(unlabelled).toEqual([]);
    });
  }

  it('keeps no label for a kind the engine never writes', () => {
    const kinds = new Set<string>(INCIDENT_EVENT_KINDS);
    const stale = Object.keys(FR).filter((key) => key.startsWith('ev_') && !kinds.has(key.slice(3)));
    expect(stale).toEqual([]);
  });
});
