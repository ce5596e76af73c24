import { describe, expect, it } from 'vitest';
import { hubDelta, parsePrometheus } from './hub-scrape.mjs';

const scrape = (commits: number, seconds: number, gcMinor: number) =>
  parsePrometheus(`# HELP vigie_ingest_reports_total Agent data messages committed, by message type.
# TYPE vigie_ingest_reports_total counter
vigie_ingest_reports_total{type="metrics"} ${commits}
vigie_ingest_reports_total{type="checkState"} 7
vigie_ingest_commit_seconds_bucket{le="0.05",type="metrics"} ${commits}
vigie_ingest_commit_seconds_sum{type="metrics"} ${seconds}
vigie_ingest_commit_seconds_count{type="metrics"} ${commits}
vigie_ingest_commit_seconds_sum{type="checkState"} 99
vigie_ingest_commit_seconds_count{type="checkState"} 7
vigie_ingest_commit_batch_samples_sum ${commits}
vigie_ingest_commit_batch_samples_count ${commits}
vigie_hub_nodejs_gc_duration_seconds_sum{kind="minor"} ${gcMinor}
vigie_hub_nodejs_gc_duration_seconds_sum{kind="major"} 0.5
`);

describe('the hub’s metrics over a window', () => {
  it('turns two scrapes into rates of metrics messages, leaving other types out', () => {
    const delta = hubDelta(scrape(1000, 10, 1), scrape(7000, 10 + 6000 * 0.04, 1.3), 3);
    expect(delta.committedPerSec).toBe(2000);
    expect(delta.meanSubmitToCommitMs).toBeCloseTo(40, 6);
    expect(delta.samplesPerMessage).toBe(1);
    expect(delta.gcMsPerSec).toBeCloseTo(100, 6);
  });

  it('has no mean when nothing was committed', () => {
    const delta = hubDelta(scrape(5, 1, 1), scrape(5, 1, 1), 3);
    expect(delta.meanSubmitToCommitMs).toBeNull();
    expect(delta.committedPerSec).toBe(0);
  });
});
