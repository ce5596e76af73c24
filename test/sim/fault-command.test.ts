import { describe, expect, it } from 'vitest';
import { parseFaultCommand, parseScheduledFault } from './fault-command.js';

function command(text: string) {
  const parsed = parseFaultCommand(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('fault commands', () => {
  describe('targets', () => {
    it('reads a count, a share of the fleet or all', () => {
      expect(command('kill 5')).toEqual({ kind: 'kill', target: { kind: 'count', count: 5 } });
      expect(command('freeze 2.5%')).toEqual({ kind: 'freeze', target: { kind: 'percent', percent: 2.5 } });
      expect(command('  revive   all ')).toEqual({ kind: 'revive', target: { kind: 'all' } });
    });

    it.each(['kill', 'kill 0', 'kill -3', 'kill 0%', 'kill 101%', 'kill five', 'kill 5 now'])(
      'refuses "%s"',
      (text) => {
        expect(parseFaultCommand(text).ok).toBe(false);
      },
    );
  });

  describe('breach', () => {
    it('reads the metric, its value and a duration, 120 s by default', () => {
      expect(command('breach 5% cpu=97 for=2m')).toEqual({
        kind: 'breach',
        target: { kind: 'percent', percent: 5 },
        metric: 'cpu',
        value: 97,
        forMs: 120_000,
      });
      expect(command('breach 3 disk=96')).toMatchObject({ metric: 'disk', value: 96, forMs: 120_000 });
    });

    it.each([
      ['breach 5', /exactly one/],
      ['breach 5 cpu=97 mem=99', /exactly one/],
      ['breach 5 cpu=120', /percentage/],
      ['breach 5 cpu=97 for=soon', /duration/],
      ['breach 5 cpu=97 until=3s', /unknown option until=/],
    ])('refuses "%s"', (text, pattern) => {
      const parsed = parseFaultCommand(text);
      expect(parsed.ok ? '' : parsed.error).toMatch(pattern);
    });
  });

  describe('flap', () => {
    it('flaps cpu.busy every 20 s for 5 min unless told otherwise', () => {
      expect(command('flap 3')).toEqual({
        kind: 'flap',
        target: { kind: 'count', count: 3 },
        check: 'cpu.busy',
        everyMs: 20_000,
        forMs: 300_000,
      });
      expect(command('flap 1 fs.usage every=5s for=1m')).toMatchObject({
        check: 'fs.usage',
        everyMs: 5000,
        forMs: 60_000,
      });
      expect(command('flap 1 check=memory.pressure')).toMatchObject({ check: 'memory.pressure' });
    });

    it('refuses a check kind Vigie does not know', () => {
      expect(parseFaultCommand('flap 1 cpu.melting')).toEqual({
        ok: false,
        error: 'unknown check kind: cpu.melting',
      });
    });
  });

  describe('service', () => {
    it('takes a watched unit down, fixable by a restart for 5 min unless told otherwise', () => {
      expect(command('service 5 name=web')).toEqual({
        kind: 'service',
        target: { kind: 'count', count: 5 },
        name: 'web',
        fixable: true,
        forMs: 300_000,
      });
      expect(command('service 10% name=db.service fix=no for=90s')).toMatchObject({
        name: 'db.service',
        fixable: false,
        forMs: 90_000,
      });
    });

    it.each([
      ['service 1', 'service needs name=UNIT (letters, digits, @._:-)'],
      ['service 1 name=-rf', 'service needs name=UNIT (letters, digits, @._:-)'],
      ['service 1 name=a/b', 'service needs name=UNIT (letters, digits, @._:-)'],
      ['service 1 name=web fix=maybe', 'fix= must be yes or no, got maybe'],
      ['service 1 name=web for=soon', 'for= needs a duration like 30s or 2m, got soon'],
      ['service 1 name=web size=3', 'unknown option size='],
      ['service 1 web', 'unexpected web'],
    ])('refuses "%s"', (text, error) => {
      expect(parseFaultCommand(text)).toEqual({ ok: false, error });
    });
  });

  it('takes a whole site down by name', () => {
    expect(command('site-down site-03')).toEqual({ kind: 'site-down', site: 'site-03' });
    expect(parseFaultCommand('site-down').ok).toBe(false);
    expect(parseFaultCommand('site-down a b').ok).toBe(false);
  });

  it('refuses an unknown or empty command', () => {
    expect(parseFaultCommand('melt 5')).toEqual({ ok: false, error: 'unknown fault: melt' });
    expect(parseFaultCommand('   ')).toEqual({ ok: false, error: 'unknown fault: (empty)' });
  });

  describe('scheduled with --fault', () => {
    it('reads at= then the command, and keeps the command text for the logs', () => {
      expect(parseScheduledFault('at=90s  breach 10% mem=99 for=30s')).toEqual({
        ok: true,
        value: {
          atMs: 90_000,
          text: 'breach 10% mem=99 for=30s',
          command: {
            kind: 'breach',
            target: { kind: 'percent', percent: 10 },
            metric: 'mem',
            value: 99,
            forMs: 30_000,
          },
        },
      });
    });

    it('explains what is wrong with a bad schedule', () => {
      expect(parseScheduledFault('kill 5')).toMatchObject({
        ok: false,
        error: expect.stringMatching(/at=DURATION/),
      });
      expect(parseScheduledFault('at=later kill 5')).toMatchObject({
        ok: false,
        error: expect.stringMatching(/at= needs/),
      });
      expect(parseScheduledFault('at=5s kill')).toMatchObject({
        ok: false,
        error: expect.stringMatching(/missing target/),
      });
    });
  });
});
