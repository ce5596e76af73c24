import { parseArgs } from 'node:util';
import { parseDuration } from './duration.js';
import { type ParseResult, parseScheduledFault, type ScheduledFault } from './fault-command.js';

/** Everything a simulation run needs, validated once from the command line. */
export interface SimOptions {
  /** Base URL of the hub's HTTP API, e.g. `http://127.0.0.1:8420`. */
  readonly hubUrl: string;
  /** Admin API token; needed only when agents must be enrolled. */
  readonly token: string | undefined;
  readonly agents: number;
  readonly intervalMs: number;
  /** Stop after this long (ramp included); undefined runs until SIGINT or `quit`. */
  readonly durationMs: number | undefined;
  readonly client: string;
  readonly sites: number;
  /** Where enrolled credentials are cached; undefined means the default under `var/`. */
  readonly credentialsFile: string | undefined;
  /** Enrol again even if the credentials file matches. */
  readonly fresh: boolean;
  readonly rampMs: number;
  readonly seed: number;
  readonly faults: readonly ScheduledFault[];
  readonly progressMs: number;
  readonly jsonFile: string | undefined;
  readonly enrolConcurrency: number;
  /** Run the agent's checks at most this often per agent (ms); 0: on every sample. */
  readonly checksEveryMs: number;
  /** No report before this long after the start: the ramp's hellos are answered without load. */
  readonly reportsAfterMs: number;
  /** Mask frames with a zero key (see SimAgentDeps.zeroMask). */
  readonly zeroMask: boolean;
  /** Announce `sampleDelta` and send samples as changes, through the real agent's encoder. */
  readonly sampleDelta: boolean;
}

export type ArgsResult = ParseResult<
  { readonly help: true } | { readonly help: false; readonly options: SimOptions }
>;

const MAX_AGENTS = 100_000;

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

function positiveInt(
  raw: string | undefined,
  flag: string,
  fallback: number,
  max: number,
): ParseResult<number> {
  if (raw === undefined) return { ok: true, value: fallback };
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    return fail(`${flag} must be an integer in [1, ${max}]`);
  return { ok: true, value };
}

function duration(raw: string | undefined, flag: string, minMs: number): ParseResult<number | undefined> {
  if (raw === undefined) return { ok: true, value: undefined };
  const ms = parseDuration(raw);
  if (ms === undefined || ms < minMs)
    return fail(`${flag} needs a duration of at least ${minMs} ms (e.g. 10, 2.5s, 1m)`);
  return { ok: true, value: ms };
}

function hubBase(raw: string | undefined): ParseResult<string> {
  if (raw === undefined) return fail('--hub URL is required');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`--hub is not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('--hub must be an http(s):// URL');
  return { ok: true, value: url.origin };
}

/** Parse `process.argv.slice(2)`; never throws, never exits. */
export function parseSimArgs(argv: readonly string[]): ArgsResult {
  let parsed: ReturnType<typeof parseRaw>;
  try {
    parsed = parseRaw(argv);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  if (v.help) return { ok: true, value: { help: true } };
  if (parsed.positionals.length > 0) return fail(`unexpected argument ${parsed.positionals[0]}`);

  const hub = hubBase(v.hub);
  if (!hub.ok) return hub;
  if (v.agents === undefined) return fail('--agents N is required');
  const agents = positiveInt(v.agents, '--agents', 0, MAX_AGENTS);
  if (!agents.ok) return agents;
  // Down to 10 ms: the ceiling bench makes 1 000 agents report 24 000 times a second.
  const interval = duration(v.interval ?? '10', '--interval', 10);
  if (!interval.ok) return interval;
  const run = duration(v.duration, '--duration', 1000);
  if (!run.ok) return run;
  const sites = positiveInt(v.sites, '--sites', Math.min(5, agents.value), agents.value);
  if (!sites.ok) return sites;
  // Spreading hellos keeps the hub's authentication burst realistic (a fleet does not boot at once).
  const ramp =
    v.ramp === undefined
      ? { ok: true as const, value: Math.ceil(agents.value / 200) * 1000 }
      : duration(v.ramp, '--ramp', 0);
  if (!ramp.ok) return ramp;
  const progress = duration(v.progress ?? '5', '--progress', 500);
  if (!progress.ok) return progress;
  const concurrency = positiveInt(v.concurrency, '--concurrency', 32, 1024);
  if (!concurrency.ok) return concurrency;
  const checksEvery = duration(v['checks-every'], '--checks-every', 0);
  if (!checksEvery.ok) return checksEvery;
  const reportsAfter = duration(v['reports-after'], '--reports-after', 0);
  if (!reportsAfter.ok) return reportsAfter;
  const seed = v.seed === undefined ? 1 : Number(v.seed);
  if (!Number.isInteger(seed) || seed < 0) return fail('--seed must be a non-negative integer');
  if (v.client !== undefined && (v.client.length === 0 || v.client.length > 256))
    return fail('--client must be 1–256 characters');

  const faults: ScheduledFault[] = [];
  for (const text of v.fault ?? []) {
    const fault = parseScheduledFault(text);
    if (!fault.ok) return fault;
    faults.push(fault.value);
  }

  return {
    ok: true,
    value: {
      help: false,
      options: {
        hubUrl: hub.value,
        token: v.token,
        agents: agents.value,
        intervalMs: interval.value!,
        durationMs: run.value,
        client: v.client ?? 'sim',
        sites: sites.value,
        credentialsFile: v.credentials,
        fresh: v.fresh ?? false,
        rampMs: ramp.value ?? 0,
        seed,
        faults,
        progressMs: progress.value!,
        jsonFile: v.json,
        enrolConcurrency: concurrency.value,
        checksEveryMs: checksEvery.value ?? 0,
        reportsAfterMs: reportsAfter.value ?? 0,
        zeroMask: v['zero-mask'] ?? false,
        sampleDelta: v['sample-delta'] ?? false,
      },
    },
  };
}

function parseRaw(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      hub: { type: 'string' },
      token: { type: 'string' },
      agents: { type: 'string', short: 'n' },
      interval: { type: 'string' },
      duration: { type: 'string' },
      client: { type: 'string' },
      sites: { type: 'string' },
      credentials: { type: 'string' },
      fresh: { type: 'boolean' },
      ramp: { type: 'string' },
      seed: { type: 'string' },
      fault: { type: 'string', multiple: true },
      progress: { type: 'string' },
      json: { type: 'string' },
      concurrency: { type: 'string' },
      'checks-every': { type: 'string' },
      'reports-after': { type: 'string' },
      'zero-mask': { type: 'boolean' },
      'sample-delta': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
