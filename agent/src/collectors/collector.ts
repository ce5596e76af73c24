import type { Sample, SampleSection } from '@vigie/shared';

/** What a collection cycle asks for. */
export interface CollectRequest {
  /** Slow cycle: also collect top processes and watched services. */
  readonly slow: boolean;
  /** Service names from the policy (only read on the slow cycle). */
  readonly services: readonly string[];
}

/**
 * One resource's collector. Factories close over their dependencies and previous reading (for
 * rates), so a collector is a value tests build with recorded inputs. `undefined` means "nothing
 * to report this cycle" (no battery, first reading of a rate, slow-only section on a fast cycle).
 */
export interface Collector<K extends SampleSection = SampleSection> {
  readonly section: K;
  collect(request: CollectRequest): Promise<Sample[K] | undefined>;
}
