// Preloaded into the real agent by the benchmark (`node --import`): records the event-loop delay
// of the agent's process and writes its percentiles to $VIGIE_BENCH_LOOP_DELAY_FILE at exit. The
// first $VIGIE_BENCH_LOOP_DELAY_WARMUP_MS (start-up, first inventory) are not counted.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.VIGIE_BENCH_LOOP_DELAY_FILE;
if (out) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  setTimeout(() => histogram.reset(), Number(process.env.VIGIE_BENCH_LOOP_DELAY_WARMUP_MS ?? 0)).unref();
  process.on('exit', () => {
    writeFileSync(
      out,
      JSON.stringify({
        p50: histogram.percentile(50) / 1e6,
        p99: histogram.percentile(99) / 1e6,
        max: histogram.max / 1e6,
        count: histogram.count,
      }),
    );
  });
}
