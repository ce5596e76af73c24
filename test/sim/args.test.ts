import { describe, expect, it } from 'vitest';
import { parseSimArgs } from './args.js';

const BASE = ['--hub', 'http://127.0.0.1:8420/ignored/path', '--token', 'vga_x', '--agents', '1000'];

function options(extra: string[] = []) {
  const parsed = parseSimArgs([...BASE, ...extra]);
  if (!parsed.ok || parsed.value.help) throw new Error(parsed.ok ? 'help' : parsed.error);
  return parsed.value.options;
}

function error(argv: string[]): string {
  const parsed = parseSimArgs(argv);
  if (parsed.ok) throw new Error('expected a usage error');
  return parsed.error;
}

describe('simulator arguments', () => {
  it('applies the defaults: 10 s interval, no duration, 5 sites, a ramp of N/200 s, seed 1', () => {
    expect(options()).toMatchObject({
      hubUrl: 'http://127.0.0.1:8420',
      token: 'vga_x',
      agents: 1000,
      intervalMs: 10_000,
      durationMs: undefined,
      client: 'sim',
      sites: 5,
      rampMs: 5000,
      seed: 1,
      faults: [],
      progressMs: 5000,
      fresh: false,
      enrolConcurrency: 32,
      checksEveryMs: 0,
      reportsAfterMs: 0,
      zeroMask: false,
      sampleDelta: false,
    });
  });

  it('reads every option, durations with units, and repeated faults in order', () => {
    const parsed = options([
      '--interval',
      '2.5',
      '--duration',
      '1m',
      '--client',
      'acme',
      '--sites',
      '3',
      '--ramp',
      '0',
      '--seed',
      '9',
      '--credentials',
      '/tmp/c.json',
      '--fresh',
      '--progress',
      '500ms',
      '--json',
      'out.json',
      '--concurrency',
      '8',
      '--checks-every',
      '10s',
      '--zero-mask',
      '--sample-delta',
      '--reports-after',
      '8s',
      '--fault',
      'at=30s kill 5%',
      '--fault',
      'at=45s site-down site-02',
    ]);
    expect(parsed).toMatchObject({
      intervalMs: 2500,
      durationMs: 60_000,
      client: 'acme',
      sites: 3,
      rampMs: 0,
      seed: 9,
      credentialsFile: '/tmp/c.json',
      fresh: true,
      progressMs: 500,
      jsonFile: 'out.json',
      enrolConcurrency: 8,
      checksEveryMs: 10_000,
      reportsAfterMs: 8000,
      zeroMask: true,
      sampleDelta: true,
    });
    expect(parsed.faults.map((fault) => [fault.atMs, fault.command.kind])).toEqual([
      [30_000, 'kill'],
      [45_000, 'site-down'],
    ]);
  });

  it('caps the default number of sites at the number of agents', () => {
    expect(parseSimArgs(['--hub', 'http://h', '--agents', '2'])).toMatchObject({
      ok: true,
      value: { options: { sites: 2 } },
    });
  });

  it('answers --help without requiring anything else', () => {
    expect(parseSimArgs(['--help'])).toEqual({ ok: true, value: { help: true } });
    expect(parseSimArgs(['-h'])).toEqual({ ok: true, value: { help: true } });
  });

  describe('refuses', () => {
    it.each([
      [[], /--hub URL is required/],
      [['--hub', 'ftp://x', '--agents', '1'], /http/],
      [['--hub', 'not a url', '--agents', '1'], /not a URL/],
      [['--hub', 'http://h'], /--agents N is required/],
      [['--hub', 'http://h', '--agents', '0'], /--agents/],
      [['--hub', 'http://h', '--agents', '1.5'], /--agents/],
      [['--hub', 'http://h', '--agents', '10', '--interval', '0'], /--interval/],
      [['--hub', 'http://h', '--agents', '10', '--interval', 'soon'], /--interval/],
      [['--hub', 'http://h', '--agents', '10', '--sites', '11'], /--sites/],
      [['--hub', 'http://h', '--agents', '10', '--seed', '-1'], /--seed/],
      [['--hub', 'http://h', '--agents', '10', '--fault', 'kill 5'], /at=DURATION/],
      [['--hub', 'http://h', '--agents', '10', '--fault', 'at=5s melt 5'], /unknown fault/],
      [['--hub', 'http://h', '--agents', '10', '--bogus'], /bogus/],
      [['--hub', 'http://h', '--agents', '10', 'extra'], /unexpected argument/],
    ])('%j', (argv, pattern) => {
      expect(error(argv)).toMatch(pattern);
    });
  });
});
