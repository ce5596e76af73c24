import { execFile as execFileCb } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { isPlainValidMetrics, readableSample, type Sample, sampleSchema } from '@vigie/shared';
import { readdir, readFile, statfs } from '../runtime/fs-async.js';
import type { Collector, CollectRequest } from './collector.js';
import type { ExecFile, ReadDir, ReadText, Statfs } from './deps.js';
import { createProcReader } from './linux/proc-reader.js';
import { type CollectorDeps, linuxCollectors, siCollectors } from './platform.js';
import { lazySystemInformation, type SiCollect } from './si.js';
import { createLogOnce, errorMessage } from './util/log-once.js';

export type { Collector, CollectRequest } from './collector.js';
export type { Clock, ExecFile, Log, ReadDir, ReadText, Statfs } from './deps.js';
export type { SiCollect } from './si.js';

// Placeholders that make one sample a metrics message, the shape the hand-written check takes.
const CHECK_ENVELOPE = { type: 'metrics', bootId: 'sample-check', seq: 1 } as const;

/** What the sampler needs; file, process and systeminformation access default to the real ones. */
export interface SamplerDeps {
  platform: NodeJS.Platform;
  clock: () => number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  readFile?: ReadText;
  readdir?: ReadDir;
  statfs?: Statfs;
  execFile?: ExecFile;
  si?: SiCollect;
  loadavg?: () => number[];
  /** Overrides the platform's collectors (tests inject failing or slow ones). */
  collectors?: readonly Collector[];
}

/** Collects one sample per call. */
export interface Sampler {
  collect(request: CollectRequest): Promise<Sample>;
  /** Releases the /proc descriptors kept open between cycles. */
  close(): void;
}

const execFileAsync = promisify(execFileCb);

// Real implementations of what may wait on a device: a disk, a network mount (statfs), a program.
const REAL = {
  readFile: (path: string) => readFile(path, 'utf8'),
  readdir: (path: string) => readdir(path),
  statfs: (path: string) => statfs(path),
  execFile: (file: string, args: readonly string[]) =>
    execFileAsync(file, [...args], { timeout: 10_000, maxBuffer: 1024 * 1024, encoding: 'utf8' }),
} satisfies Pick<CollectorDeps, 'readFile' | 'readdir' | 'statfs' | 'execFile'>;

/** Builds the platform's collectors and runs them concurrently into one schema-valid sample. */
export function createSampler(deps: SamplerDeps): Sampler {
  // Without an injected reader, /proc is read synchronously and its hot files stay open between
  // cycles (see proc-reader); /sys and /etc stay asynchronous.
  const procReader = deps.readFile ? undefined : createProcReader(REAL.readFile, undefined, REAL.readdir);
  const resolved: CollectorDeps = {
    clock: deps.clock,
    log: deps.log,
    readFile: deps.readFile ?? procReader?.readFile ?? REAL.readFile,
    readdir: deps.readdir ?? procReader?.readdir ?? REAL.readdir,
    statfs: deps.statfs ?? REAL.statfs,
    execFile: deps.execFile ?? REAL.execFile,
    si: deps.si ?? lazySystemInformation(),
    loadavg: deps.loadavg ?? os.loadavg,
  };
  const collectors =
    deps.collectors ??
    (deps.platform === 'linux' ? linuxCollectors(resolved) : siCollectors(resolved, deps.platform));
  const logOnce = createLogOnce(deps.log);

  return {
    async collect(request) {
      const at = Math.max(0, Math.round(deps.clock()));
      const results = await Promise.allSettled(collectors.map((c) => c.collect(request)));
      const sample: Record<string, unknown> = { at };
      results.forEach((result, i) => {
        const section = collectors[i]?.section;
        if (!section) return;
        if (result.status === 'fulfilled') {
          if (result.value !== undefined) sample[section] = result.value;
          return;
        }
        const err = errorMessage(result.reason);
        logOnce(`${section}:${err}`, 'collector failed, section omitted', { section, err });
      });
      // Percentages to 0.1, what a person reads (decision 0033): stored, checked and sent alike.
      return readableSample(validated(sample));
    },
    close() {
      procReader?.close();
    },
  };

  // Last line of defence: never build a sample the hub would refuse. The protocol's hand-written
  // check of a metrics message in the normal case (it says yes only to what zod accepts
  // unchanged, and costs no compiled parser nor zod's garbage every cycle); zod when it says no,
  // which drops each offending section and parses what is left.
  function validated(sample: Record<string, unknown>): Sample {
    if (isPlainValidMetrics({ ...CHECK_ENVELOPE, samples: [sample] })) return sample as Sample;
    const checked = sampleSchema.safeParse(sample);
    if (checked.success) return checked.data;
    for (const issue of checked.error.issues) {
      const section = String(issue.path[0] ?? '');
      if (section === 'at' || !(section in sample)) continue;
      logOnce(`${section}:invalid`, 'collector produced an invalid section, omitted', {
        section,
        issue: issue.message,
        path: issue.path.map(String).join('.'),
      });
      delete sample[section];
    }
    return sampleSchema.parse(sample);
  }
}
