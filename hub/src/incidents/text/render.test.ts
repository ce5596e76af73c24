import { CHECK_KINDS } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { INCIDENT_EVENT_KINDS } from '../../db/incident-event-kinds.js';
import { type TextParams, TITLE_CODES, type TitleCode } from './codes.js';
import { formatValue } from './format.js';
import { incidentTitle, renderIncidentText, wordsOf } from './render.js';
import { renderActor, renderEventDetail } from './timeline.js';

/** What a technician must never read: an epoch, a JSON fragment, an internal id. */
function expectReadable(text: string) {
  expect(text).not.toMatch(/\b\d{13}\b/);
  expect(text).not.toMatch(/(hst|lic|prb|inc)_[A-Za-z0-9]/);
  expect(text).not.toContain('{');
  expect(text).not.toContain('"');
}

const TITLES: Record<TitleCode, { params: TextParams; fr: string; en: string }> = {
  check: {
    params: { check: 'fs.usage', resource: '/var', where: 'srv-db-01' },
    fr: 'Système de fichiers presque plein : /var sur srv-db-01',
    en: 'Filesystem almost full: /var on srv-db-01',
  },
  storm: {
    params: { check: 'host.silent', client: 'acme' },
    fr: 'Tempête : Machine silencieuse sur de nombreuses machines de acme',
    en: 'Storm: Host silent on many hosts of acme',
  },
  'licence.expiry': {
    params: { product: 'Office 365', vendor: 'Microsoft', stage: 7, daysLeft: 7 },
    fr: 'Licence Office 365 (Microsoft) : expire dans 7 jours',
    en: 'Licence Office 365 (Microsoft): expires in 7 days',
  },
  'licence.compliance': {
    params: { product: 'Visio', vendor: null, used: 12, seats: 10 },
    fr: 'Licence Visio : 12 postes utilisés pour 10 achetés',
    en: 'Licence Visio: 12 seats in use for 10 bought',
  },
  'warranty.expiry': {
    params: { hostname: 'srv-db-01', serial: 'SN-42', stage: 0, daysLeft: -3 },
    fr: 'Garantie de srv-db-01 (n° de série SN-42) : a expiré il y a 3 jours',
    en: 'Warranty of srv-db-01 (serial SN-42): expired 3 days ago',
  },
  probe: {
    params: { check: 'probe.down', device: 'fw-paris', probeKind: 'ping', probe: 'wan' },
    fr: 'Équipement injoignable : fw-paris (sonde ping « wan »)',
    en: 'Device unreachable: fw-paris (ping probe "wan")',
  },
  'tls.expiry': {
    params: { device: 'fw-paris', probe: 'portal', stage: 0, daysLeft: 0 },
    fr: "Certificat TLS de « portal » sur fw-paris : expire aujourd'hui",
    en: 'TLS certificate of "portal" on fw-paris: expires today',
  },
  'antivirus.stale': {
    params: { hostname: 'pc-01', product: 'Defender' },
    fr: 'Antivirus désactivé ou signatures périmées sur pc-01 (Defender)',
    en: 'Antivirus off or signatures stale on pc-01 (Defender)',
  },
  'duplicate-identity': {
    params: { hostname: 'srv-db-01' },
    fr: "Identifiant d'agent utilisé depuis une autre machine : srv-db-01",
    en: 'Agent credential used from another machine: srv-db-01',
  },
  manual: { params: { title: 'Imprimante bloquée' }, fr: 'Imprimante bloquée', en: 'Imprimante bloquée' },
};

describe('renderIncidentText', () => {
  describe.each(TITLE_CODES.map((code) => [code] as const))('%s', (code) => {
    it.each(['fr', 'en'] as const)('reads in %s, with names and no ids', (locale) => {
      const text = renderIncidentText(code, TITLES[code].params, locale);
      expect(text).toBe(TITLES[code][locale]);
      if (code !== 'probe' && code !== 'tls.expiry') expectReadable(text);
      else expect(text).not.toMatch(/\b\d{13}\b|(hst|lic|prb|inc)_[A-Za-z0-9]|\{/);
    });
  });

  it('names every check kind in both languages', () => {
    for (const check of Object.keys(CHECK_KINDS)) {
      const fr = renderIncidentText('check', { check, resource: '', where: 'srv-01' }, 'fr');
      const en = renderIncidentText('check', { check, resource: '', where: 'srv-01' }, 'en');
      expect(fr).not.toContain(check);
      expect(en).not.toContain(check);
      expect(fr).toMatch(/ sur srv-01$/);
    }
  });

  it('leaves out a resource that is only an internal id', () => {
    const text = renderIncidentText(
      'check',
      { check: 'probe.down', resource: 'prb_AbCdEf12', where: 'fw' },
      'fr',
    );
    expect(text).toBe('Équipement injoignable sur fw');
  });

  it('shows a row from before codes by its stored title, verbatim', () => {
    expect(
      incidentTitle({ title: 'Host silent on srv-01', title_code: null, title_params: null }, 'fr'),
    ).toBe('Host silent on srv-01');
  });
});

const AT = 1_764_000_000_000;
const DETAILS: Array<[string, string, Record<string, unknown>, string, RegExp, RegExp]> = [
  // kind, actor, detail, check, French, English
  [
    'opened',
    'rule:fs.usage',
    {
      severity: 'critical',
      urgency: 4,
      impact: 4,
      priority: 5,
      level: 'N3',
      route: 'default',
      observedAt: AT,
      value: 92.5,
      threshold: 90,
      message: 'Filesystem /var is 92% full',
      previousId: 'inc_0000001',
      parentId: null,
    },
    'fs.usage',
    /Gravité : critique · Priorité : P5 · Urgence : 4 · Impact : 4 · Niveau : N3 · Routage : règle par défaut · Valeur : 92,5 % \(seuil 90 %\) · Constaté le \d\d\/\d\d\/2025/,
    /Severity: critical · Priority: P5 .* Routing: default rule · Value: 92.5 % \(threshold 90 %\)/,
  ],
  [
    'priority_raised',
    'rule:cpu.busy',
    { priority: { from: 3, to: 5 }, level: { from: 'N1', to: 'N3' } },
    'cpu.busy',
    /Priorité : P3 → P5 · Niveau : N1 → N3/,
    /Priority: P3 → P5 · Level: N1 → N3/,
  ],
  [
    'deescalated',
    'user:alice',
    { level: { from: 'N3', to: 'N2' } },
    'host.silent',
    /Niveau : N3 → N2/,
    /Level: N3 → N2/,
  ],
  [
    'sla_warning',
    'rule:sla',
    { clock: 'own', reason: '75 % of time to own used at N1', dueAt: AT },
    'cpu.busy',
    /délai de prise en charge · Échéance : /,
    /time to own · Due: /,
  ],
  [
    'sla_breached',
    'rule:sla',
    { clock: 'resolve', reason: 'time to resolve passed at N2' },
    'cpu.busy',
    /^délai de résolution$/,
    /^time to resolve$/,
  ],
  [
    'escalated',
    'rule:sla',
    { clock: 'own', reason: 'x', level: { from: 'N1', to: 'N2' } },
    'cpu.busy',
    /Niveau : N1 → N2 · délai de prise en charge/,
    /Level: N1 → N2 · time to own/,
  ],
  [
    'escalation_notified',
    'rule:escalation',
    {
      n: 2,
      targets: ['N3', 'chn_0123456789'],
      deliveryKey: 'inc_0001/N3/esc-2',
      policy: 'Astreinte',
      reason: 'x',
      unacknowledgedMs: 900_000,
    },
    'host.silent',
    /Politique d'escalade : Astreinte · avis n° 2 · non pris en compte après 15 min · N3, 1 canal/,
    /Escalation policy: Astreinte · notice 2 · not acknowledged after 15 min · N3, 1 channel/,
  ],
  ['acknowledged', 'user:alice', {}, 'host.silent', /^$/, /^$/],
  ['assigned', 'user:alice', { assignee: 'bob' }, 'host.silent', /^Assigné à : bob$/, /^Assigned to: bob$/],
  [
    'comment',
    'user:alice',
    { text: 'Disque changé {ok}' },
    'host.silent',
    /^Disque changé \{ok\}$/,
    /^Disque changé \{ok\}$/,
  ],
  [
    'resolved',
    'system',
    { resolution: 'auto', reason: 'recovery held for the quiet period' },
    'cpu.busy',
    /résolu automatiquement · rétablissement maintenu/,
    /resolved automatically · recovery held/,
  ],
  [
    'held',
    'rule:cpu.busy',
    { reason: 'maintenance', ref: 'mw_0123456789', observedAt: AT },
    'cpu.busy',
    /fenêtre de maintenance/,
    /maintenance window/,
  ],
  [
    'regraded',
    'system',
    {
      reason: 'host updated by alice: server, tags production',
      cause: 'host updated by alice',
      role: 'server',
      tags: ['production'],
      priority: { from: 3, to: 5 },
      level: { from: 'N2', to: 'N3' },
      route: 'prod',
    },
    'cpu.busy',
    /machine modifiée par alice · serveur de production/,
    /host updated by alice · server production/,
  ],
  [
    'opened',
    'rule:host.silent',
    { storm: true, cap: 20, periodMs: 600_000 },
    'host.silent',
    /plus de 20 incidents du même contrôle en 10 min/,
    /more than 20 incidents of one check within 10 min/,
  ],
  [
    'sla_recomputed',
    'system',
    {
      reason: 'calendar changed',
      calendar: 'Bureau',
      own: { dueAt: { from: AT, to: AT + 3_600_000 } },
      resolve: { dueAt: { from: AT, to: AT } },
    },
    'cpu.busy',
    /Calendrier : Bureau · délai de prise en charge : .* → /,
    /Calendar: Bureau · time to own: /,
  ],
  [
    'child_attached',
    'rule:host.silent',
    { incidentId: 'inc_0123456789', title: 'Host silent on srv', priority: 4 },
    'site.silent',
    /^Priorité : P4$/,
    /^Priority: P4$/,
  ],
  [
    'problem_linked',
    'rule:problem',
    { problemId: 'prb_0123456789', incidentsInWindow: 3 },
    'cpu.busy',
    /3 incidents semblables/,
    /3 similar incidents/,
  ],
];

describe('renderEventDetail', () => {
  it.each(DETAILS)('%s (%s)', (kind, actor, detail, check, fr, en) => {
    const event = { kind, actor, detail: JSON.stringify(detail) };
    const french = renderEventDetail(event, { locale: 'fr', timeZone: 'Europe/Paris', check });
    const english = renderEventDetail(event, { locale: 'en', timeZone: 'Europe/Paris', check });
    expect(french).toMatch(fr);
    expect(english).toMatch(en);
    for (const text of [french, english]) {
      expect(text).not.toMatch(/\b\d{13}\b/);
      expect(text).not.toMatch(/(hst|lic|prb|inc|chn|mw)_[A-Za-z0-9]/);
      if (kind !== 'comment') expect(text).not.toContain('{');
      expect(text).not.toMatch(/observedAt|route:|priority_raised|Host silent/);
    }
  });

  it('covers every event kind the engine writes without showing raw fields', () => {
    for (const kind of INCIDENT_EVENT_KINDS) {
      const text = renderEventDetail(
        {
          kind,
          actor: 'system',
          detail: JSON.stringify({ observedAt: AT, ref: 'hst_0123456789', heldSince: AT }),
        },
        { locale: 'fr', check: 'host.silent' },
      );
      expect(text).not.toMatch(/\b\d{13}\b|hst_|\{/);
    }
  });

  it('names actors in words', () => {
    expect(renderActor('user:alice', 'fr')).toBe('alice');
    expect(renderActor('rule:host.silent', 'fr')).toBe('Vigie');
    expect(renderActor('rule:sla', 'en')).toBe('Vigie (SLA)');
  });
});

describe('formatValue', () => {
  it("counts a site ticket's silent hosts in words, not as a bare figure", () => {
    expect(formatValue(wordsOf('fr'), 'site.silent', 3)).toBe('3 machines');
    expect(formatValue(wordsOf('fr'), 'site.silent', 1)).toBe('1 machine');
    expect(formatValue(wordsOf('en'), 'site.silent', 3)).toBe('3 hosts');
  });
});
