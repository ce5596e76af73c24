import { LIMITS, type MetricsMessage, type RefusedSample, type Sample } from '@vigie/shared';
import type { ReportFacts } from '../repositories/hosts.js';

// What the hub does with a sample's timestamp, which is the agent's clock and therefore untrusted.
// The schema bounds it to dates JavaScript can hold; here it is judged against the hub's clock.
// Refused samples are left out of the message, counted on the host and reported to the agent; the
// message itself is still committed and acknowledged, or the agent would resend it forever.

// No lower bound on age: a backlog spooled through a long outage is history the hub keeps (the
// agent's spool age is its own setting, up to 366 days, and retention prunes by arrival anyway).
// It never takes the latest health from a newer sample (repositories/hosts.ts `recordHostReport`).

export type SampleRefusalCode = 'SAMPLE_SCHEMA' | 'SAMPLE_IN_FUTURE';

/** Why one sample of a message was left out. */
export interface SampleRefusal {
  readonly code: SampleRefusalCode;
  readonly detail: string;
}

/** A metrics message as the hub will store it: its admissible samples and what it learnt on the way. */
export interface AdmittedMetrics {
  readonly message: MetricsMessage;
  readonly refused: readonly SampleRefusal[];
  /** The host's clock minus the hub's, from the newest sample (undefined: no valid sample). */
  readonly clockOffsetMs: number | undefined;
}

/**
 * Keep the samples whose timestamp is at most `maxSampleAheadMs` ahead of the hub; the ones the
 * codec refused (`schemaRefused`) are counted with those.
 */
export function admitSamples(
  message: MetricsMessage,
  receivedAt: number,
  schemaRefused: readonly RefusedSample[] = [],
): AdmittedMetrics {
  const refused: SampleRefusal[] = schemaRefused.map((r) => ({
    code: 'SAMPLE_SCHEMA',
    detail: `sample ${r.index}: ${r.detail}`,
  }));
  const samples: Sample[] = [];
  let newestAt: number | undefined;
  for (const sample of message.samples) {
    newestAt = Math.max(newestAt ?? sample.at, sample.at);
    if (sample.at > receivedAt + LIMITS.maxSampleAheadMs) {
      refused.push({
        code: 'SAMPLE_IN_FUTURE',
        detail: `at ${sample.at} is ahead of the hub's ${receivedAt}`,
      });
    } else samples.push(sample);
  }
  return {
    message: samples.length === message.samples.length ? message : { ...message, samples },
    refused,
    clockOffsetMs: newestAt === undefined ? undefined : newestAt - receivedAt,
  };
}

/**
 * The sample of a message that may become the host's latest health: its newest. Whether it does
 * depends on the host's current latest (see `recordHostReport`).
 */
export function latestCandidate(samples: readonly Sample[]): Sample | undefined {
  let newest: Sample | undefined;
  for (const sample of samples) if (!newest || sample.at >= newest.at) newest = sample;
  return newest;
}

/** What a metrics commit writes on the host besides the health. */
export function reportFacts(admitted: AdmittedMetrics): ReportFacts {
  return { clockOffsetMs: admitted.clockOffsetMs, refusedSamples: admitted.refused.length };
}
