// Preloaded into the real agent by the benchmark (`node --import`): records the event-loop delay
// of the agent's process and writes its percentiles to $VIGIE_BENCH_LOOP_DELAY_FILE at exit. The
// first $VIGIE_BENCH_LOOP_DELAY_WARMUP_MS (start-up, first inventory) are not counted.
//
// Node's histogram records the whole time between two of its timer ticks, so every value includes
// the sampling resolution (an idle process reads p50 ≈ 10 ms at a 10 ms resolution): the delay is
// that minus the resolution, as @fastify/under-pressure computes it. The monitor itself costs the
// process CPU (100 wake-ups a second: ~4 ms/s on the shared 2-core VM), which a CPU figure taken
// with it must discount (test/bench/agent-footprint.mjs runs an idle control with the same preload).
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
const out = process.env.VIGIE_BENCH_LOOP_DELAY_FILE;
if (out) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  setTimeout(() => histogram.reset(), Number(process.env.VIGIE_BENCH_LOOP_DELAY_WARMUP_MS ?? 0)).unref();
  const delay = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.on('exit', () => {
    writeFileSync(
      out,
      JSON.stringify({
        p50: delay(histogram.percentile(50)),
        p99: delay(histogram.percentile(99)),
        max: delay(histogram.max),
        count: histogram.count,
        resolutionMs: RESOLUTION_MS,
        rawP99: histogram.percentile(99) / 1e6,
      }),
    );
  });
}
