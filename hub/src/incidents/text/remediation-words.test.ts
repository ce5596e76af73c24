import { describe, expect, it } from 'vitest';
import { INCIDENT_EVENT_KINDS } from '../../db/incident-event-kinds.js';
import { renderEventDetail } from './timeline.js';

const render = (kind: string, detail: Record<string, unknown>, locale: string) =>
  renderEventDetail(
    { kind, actor: 'rule:n0', detail: JSON.stringify(detail) },
    { locale, check: 'service.down' },
  );

describe('N0 timeline details', () => {
  it('words each attempt and its result in the reader language', () => {
    expect(
      render('remediation_attempt', { action: 'restart-service', attempt: 1, maxAttempts: 2 }, 'fr'),
    ).toBe('redémarrage du service · tentative 1 sur 2');
    expect(
      render('remediation_attempt', { action: 'restart-service', attempt: 1, maxAttempts: 2 }, 'en'),
    ).toBe('service restart · attempt 1 of 2');
    expect(
      render(
        'remediation_result',
        {
          action: 'clean-folder',
          attempt: 2,
          maxAttempts: 2,
          outcome: 'done',
          removedFiles: 3,
          freedBytes: 2048,
        },
        'fr',
      ),
    ).toBe('nettoyage du dossier · tentative 2 sur 2 · action exécutée · 3 fichiers supprimés (2 Kio)');
    expect(render('remediation_refused', { action: 'restart-service', reason: 'not-allowed' }, 'en')).toBe(
      "service restart · not allowed by the machine's admin",
    );
    expect(
      render('remediation_started', { action: 'restart-service', maxAttempts: 2, verifySec: 120 }, 'en'),
    ).toBe('service restart · 2 attempts · verified after 2 min');
  });

  it('says the resolution was N0', () => {
    expect(render('resolved', { resolution: 'n0', reason: 'N0 remediation' }, 'fr')).toContain(
      'résolu par N0 (auto-remédiation)',
    );
  });

  it('covers every N0 kind the engine writes and shows no raw field', () => {
    const kinds = INCIDENT_EVENT_KINDS.filter((kind) => kind.startsWith('remediation_'));
    expect(kinds).toHaveLength(7);
    for (const kind of kinds) {
      const text = render(
        kind,
        { action: 'clear-package-cache', attempts: 2, reason: 'still-failing' },
        'fr',
      );
      expect(text).toBe('vidage du cache des paquets · 2 tentatives · toujours en panne après vérification');
    }
  });
});
