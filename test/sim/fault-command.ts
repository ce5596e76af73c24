import { isCheckKind } from '@vigie/shared';
import { parseDuration } from './duration.js';

/** How many agents a fault hits: a count, a share of the whole fleet, or every eligible agent. */
export type FaultTarget =
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'percent'; readonly percent: number }
  | { readonly kind: 'all' };

/** Metrics a `breach` can push over a threshold, named as an operator would type them. */
export const BREACH_METRICS = ['cpu', 'mem', 'swap', 'disk'] as const;
export type BreachMetric = (typeof BREACH_METRICS)[number];

/** One fault, as typed on stdin or given to `--fault`. */
export type FaultCommand =
  | { readonly kind: 'kill'; readonly target: FaultTarget }
  | { readonly kind: 'freeze'; readonly target: FaultTarget }
  | {
      readonly kind: 'breach';
      readonly target: FaultTarget;
      readonly metric: BreachMetric;
      readonly value: number;
      readonly forMs: number;
    }
  | {
      readonly kind: 'flap';
      readonly target: FaultTarget;
      readonly check: string;
      readonly everyMs: number;
      readonly forMs: number;
    }
  | {
      readonly kind: 'service';
      readonly target: FaultTarget;
      /** The watched unit that goes down. */
      readonly name: string;
      /** Whether the agent's restart (N0 `restart-service`) brings it back. */
      readonly fixable: boolean;
      readonly forMs: number;
    }
  | { readonly kind: 'site-down'; readonly site: string }
  | { readonly kind: 'revive'; readonly target: FaultTarget };
export type FaultKind = FaultCommand['kind'];

/** A fault `--fault` schedules `atMs` after the simulation starts. */
export interface ScheduledFault {
  readonly atMs: number;
  readonly command: FaultCommand;
  /** The command as written (without `at=`), for logs. */
  readonly text: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

const DEFAULT_BREACH_MS = 120_000;
const DEFAULT_FLAP_EVERY_MS = 20_000;
const DEFAULT_FLAP_FOR_MS = 300_000;
const DEFAULT_SERVICE_MS = 300_000;

/** The grammar, shown by `--help` and by the `help` command on stdin. */
export const FAULT_USAGE = `  kill N|P%|all                          terminate sockets abruptly; the agents stay dead
  freeze N|P%|all                        stop sending and stop answering pings (socket paused, not closed)
  breach N|P%|all METRIC=V [for=120s]    report METRIC (cpu|mem|swap|disk) at V % for a while
  flap N|P%|all [CHECK] [every=20s] [for=5m]
                                         alternate checkState warning/ok (CHECK defaults to cpu.busy)
  service N|P%|all name=UNIT [fix=yes|no] [for=5m]
                                         watched service UNIT reported stopped; a remediate restart
                                         brings it back when fix=yes (the default), never when fix=no
  site-down SITE                         kill every agent of one site (e.g. site-02)
  revive N|P%|all                        restart killed or frozen agents (new boot, fresh connection)`;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function parseTarget(text: string | undefined): ParseResult<FaultTarget> {
  if (text === undefined) return fail('missing target (N, P% or all)');
  if (text === 'all') return { ok: true, value: { kind: 'all' } };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) {
    const value = Number(percent[1]);
    if (value <= 0 || value > 100) return fail(`percentage out of (0, 100]: ${text}`);
    return { ok: true, value: { kind: 'percent', percent: value } };
  }
  if (/^\d+$/.test(text) && Number(text) > 0)
    return { ok: true, value: { kind: 'count', count: Number(text) } };
  return fail(`not a target (N, P% or all): ${text}`);
}

/** Split `key=value` options from positional words; unknown keys are reported by the caller. */
function splitOptions(words: readonly string[]): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) options.set(word.slice(0, eq), word.slice(eq + 1));
    else positional.push(word);
  }
  return { positional, options };
}

function durationOption(options: Map<string, string>, key: string, fallback: number): ParseResult<number> {
  const raw = options.get(key);
  if (raw === undefined) return { ok: true, value: fallback };
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) return fail(`${key}= needs a duration like 30s or 2m, got ${raw}`);
  return { ok: true, value: ms };
}

function unknownOptions(options: Map<string, string>, allowed: readonly string[]): string | undefined {
  const unknown = [...options.keys()].filter((key) => !allowed.includes(key));
  return unknown.length > 0 ? `unknown option ${unknown.map((k) => `${k}=`).join(', ')}` : undefined;
}

function parseBreach(target: FaultTarget, rest: readonly string[]): ParseResult<FaultCommand> {
  const { positional, options } = splitOptions(rest);
  if (positional.length > 0) return fail(`unexpected ${positional.join(' ')}`);
  const metrics = BREACH_METRICS.filter((metric) => options.has(metric));
  if (metrics.length !== 1)
    return fail(`breach needs exactly one of ${BREACH_METRICS.map((m) => `${m}=V`).join(', ')}`);
  const metric = metrics[0]!;
  const value = Number(options.get(metric));
  if (!Number.isFinite(value) || value < 0 || value > 100) return fail(`${metric}= must be a percentage`);
  const unknown = unknownOptions(options, [metric, 'for']);
  if (unknown) return fail(unknown);
  const forMs = durationOption(options, 'for', DEFAULT_BREACH_MS);
  if (!forMs.ok) return forMs;
  return { ok: true, value: { kind: 'breach', target, metric, value, forMs: forMs.value } };
}

function parseFlap(target: FaultTarget, rest: readonly string[]): ParseResult<FaultCommand> {
  const { positional, options } = splitOptions(rest);
  if (positional.length > 1) return fail(`unexpected ${positional.slice(1).join(' ')}`);
  const check = positional[0] ?? options.get('check') ?? 'cpu.busy';
  if (!isCheckKind(check)) return fail(`unknown check kind: ${check}`);
  const unknown = unknownOptions(options, ['check', 'every', 'for']);
  if (unknown) return fail(unknown);
  const everyMs = durationOption(options, 'every', DEFAULT_FLAP_EVERY_MS);
  if (!everyMs.ok) return everyMs;
  const forMs = durationOption(options, 'for', DEFAULT_FLAP_FOR_MS);
  if (!forMs.ok) return forMs;
  return { ok: true, value: { kind: 'flap', target, check, everyMs: everyMs.value, forMs: forMs.value } };
}

function parseService(target: FaultTarget, rest: readonly string[]): ParseResult<FaultCommand> {
  const { positional, options } = splitOptions(rest);
  if (positional.length > 0) return fail(`unexpected ${positional.join(' ')}`);
  const unknown = unknownOptions(options, ['name', 'fix', 'for']);
  if (unknown) return fail(unknown);
  const name = options.get('name');
  if (name === undefined || !/^[A-Za-z0-9@._:-]+$/.test(name) || name.startsWith('-'))
    return fail('service needs name=UNIT (letters, digits, @._:-)');
  const fix = options.get('fix') ?? 'yes';
  if (fix !== 'yes' && fix !== 'no') return fail(`fix= must be yes or no, got ${fix}`);
  const forMs = durationOption(options, 'for', DEFAULT_SERVICE_MS);
  if (!forMs.ok) return forMs;
  return { ok: true, value: { kind: 'service', target, name, fixable: fix === 'yes', forMs: forMs.value } };
}

/** Parse one fault command line such as `kill 5%` or `breach 10 cpu=97 for=2m`. */
export function parseFaultCommand(text: string): ParseResult<FaultCommand> {
  const [verb, first, ...rest] = text.trim().split(/\s+/);
  if (verb === 'site-down') {
    if (first === undefined || rest.length > 0) return fail('usage: site-down SITE');
    return { ok: true, value: { kind: 'site-down', site: first } };
  }
  if (
    verb !== 'kill' &&
    verb !== 'freeze' &&
    verb !== 'breach' &&
    verb !== 'flap' &&
    verb !== 'service' &&
    verb !== 'revive'
  ) {
    return fail(`unknown fault: ${verb || '(empty)'}`);
  }
  const target = parseTarget(first);
  if (!target.ok) return target;
  if (verb === 'breach') return parseBreach(target.value, rest);
  if (verb === 'flap') return parseFlap(target.value, rest);
  if (verb === 'service') return parseService(target.value, rest);
  if (rest.length > 0) return fail(`unexpected ${rest.join(' ')}`);
  return { ok: true, value: { kind: verb, target: target.value } };
}

/** Parse a `--fault` value: `at=DURATION` then a fault command, e.g. `at=30s kill 5%`. */
export function parseScheduledFault(text: string): ParseResult<ScheduledFault> {
  const match = /^\s*at=(\S+)\s+(.*)$/.exec(text);
  if (!match) return fail(`--fault needs "at=DURATION COMMAND", got "${text}"`);
  const atMs = parseDuration(match[1]!);
  if (atMs === undefined) return fail(`at= needs a duration like 30s, got ${match[1]}`);
  const command = parseFaultCommand(match[2]!);
  if (!command.ok) return fail(`--fault "${text}": ${command.error}`);
  return { ok: true, value: { atMs, command: command.value, text: match[2]!.trim() } };
}
