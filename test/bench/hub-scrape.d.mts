// Types of hub-scrape.mjs for the TypeScript tests beside it.
export type Series = Map<string, number>;
export function parsePrometheus(text: string): Series;
export function sumOf(series: Series, name: string, labels?: readonly string[]): number;
export function scrapeHub(url: string, signal?: AbortSignal): Promise<Series>;
export function hubDelta(
  before: Series,
  after: Series,
  seconds: number,
): {
  committedPerSec: number;
  meanSubmitToCommitMs: number | null;
  samplesPerMessage: number | null;
  gcMsPerSec: number;
};
