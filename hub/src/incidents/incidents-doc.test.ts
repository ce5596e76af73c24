import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadHubConfig } from '../config/config.js';
import { silenceSettings } from '../config/incident-settings.js';
import { tableRows } from '../test-support/markdown-table.js';
import { DEFAULT_INCIDENT_SETTINGS, type IncidentSettings } from './engine/settings.js';
import { DEFAULT_ESCALATION_POLICIES } from './escalation/policy.js';
import { DEFAULT_SLA_SETTINGS, formatDuration } from './sla/settings.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'incidents.md'), 'utf8');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

const rules = new Map(
  tableRows(doc, ['key', 'default', 'what']).map((row) => [(row[0] ?? '').replaceAll('`', ''), row[1] ?? '']),
);
const DURATIONS = [
  'reopenWindowMs',
  'quietPeriodMs',
  'closeGraceMs',
  'staleAfterMs',
  'hostGroupWindowMs',
  'stormPeriodMs',
  'problemWindowMs',
] as const satisfies readonly (keyof IncidentSettings)[];
const VALUES = [
  'impactFallback',
  'defaultLevel',
  'siteSilentMinHosts',
  'stormCap',
  'problemThreshold',
] as const;
const AS_JSON = ['urgency', 'urgencyBoost', 'staleExempt'] as const;

describe('docs/incidents.md against the incident engine', () => {
  it('lists every incident rule key and no other', () => {
    expect([...rules.keys()].sort()).toEqual(Object.keys(DEFAULT_INCIDENT_SETTINGS).sort());
  });

  it.each(DURATIONS)('states the default of %s in ms and in words', (key) => {
    const ms = DEFAULT_INCIDENT_SETTINGS[key];
    expect(rules.get(key)).toBe(`\`${ms}\` (${formatDuration(ms)})`);
  });

  it.each(VALUES)('states the default of %s', (key) => {
    expect(rules.get(key)).toBe(`\`${DEFAULT_INCIDENT_SETTINGS[key]}\``);
  });

  it.each(AS_JSON)('states the default of %s as JSON', (key) => {
    expect(rules.get(key)).toBe(`\`${JSON.stringify(DEFAULT_INCIDENT_SETTINGS[key])}\``);
  });

  it('states the SLA targets of every priority', () => {
    const rows = tableRows(doc, ['priority', 'time to own', 'time to resolve']);
    const expected = Object.entries(DEFAULT_SLA_SETTINGS.targets)
      .sort(([a], [b]) => Number(b) - Number(a))
      .map(([priority, target]) => [
        `P${priority}`,
        formatDuration(target.ownMs),
        formatDuration(target.resolveMs),
      ]);
    expect(rows).toEqual(expected);
  });

  it('states the warning ratio and the N3 paging steps', () => {
    expect(doc).toContain(`warning at\n${DEFAULT_SLA_SETTINGS.warnRatio * 100} %`);
    const [first, again] = DEFAULT_ESCALATION_POLICIES.N3;
    expect(first?.waitSec).toBe(0);
    const words = ['', 'once', 'twice', 'three', 'four'];
    expect(doc.replace(/\s+/g, ' ')).toContain(
      `N3 is paged at once, again at ${(again?.waitSec ?? 0) / 60} min, then every ${(again?.repeat?.everySec ?? 0) / 60} min ${words[again?.repeat?.times ?? 0]} more times`,
    );
  });
});

describe('README.md, "How incidents behave, in short", against the engine', () => {
  const short = readme.replace(/\s+/g, ' ');

  it('states the host-group window, the site threshold and the quiet period', () => {
    expect(short).toContain(`within ${DEFAULT_INCIDENT_SETTINGS.hostGroupWindowMs / 60_000} minutes`);
    expect(short).toContain(`${DEFAULT_INCIDENT_SETTINGS.siteSilentMinHosts} or more silent hosts`);
    expect(short).toContain(`after ${DEFAULT_INCIDENT_SETTINGS.quietPeriodMs / 60_000} quiet minutes`);
  });

  it('states the silence grace at the stock heartbeat', () => {
    const loaded = loadHubConfig({}, {});
    if (!loaded.ok) throw new Error(loaded.message);
    const heartbeatSec = loaded.config.heartbeatIntervalSec;
    const graceSec = silenceSettings(loaded.config).graceMs / 1000;
    expect(short).toContain(`${graceSec / heartbeatSec} heartbeats (${graceSec} s)`);
  });
});
