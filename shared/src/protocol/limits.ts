/**
 * Bounds on everything that crosses the wire. Both sides enforce them: the hub because frames
 * are untrusted, the agent so that it never builds a frame the hub would refuse.
 */
export const LIMITS = {
  /** Largest WebSocket frame either side accepts (bytes); ws closes bigger frames with 1009. */
  maxFrameBytes: 1024 * 1024,
  /** Samples in one `metrics` message: a spooled backlog is sent in batches of at most this. */
  maxSamplesPerBatch: 120,
  /** Per-sample list bounds (cores, filesystems, interfaces…), so one sample cannot be huge. */
  maxListItems: 512,
  maxNameLength: 256,
  maxPathLength: 4096,
  maxTextLength: 4096,
  maxSecretLength: 256,
  /** Top processes kept per ordering. */
  maxTopProcesses: 20,
  /** Software packages in one inventory chunk. */
  maxSoftwarePerChunk: 2000,
  /** Software packages in one whole inventory snapshot (the agent leaves the rest out). */
  maxSoftwarePerSnapshot: 50_000,
  /**
   * Chunks in one inventory snapshot: 50 000 entries at their longest (~1.1 kB each) packed under
   * 70 % of the frame limit need ~80 chunks, so 100 leaves room and bounds what one host can park.
   */
  maxInventoryChunks: 100,
  /**
   * How far ahead of the hub's clock a sample may be stamped. Beyond, the hub refuses the sample:
   * one far-future timestamp must not become the host's "latest" (a clock running ahead does the same).
   */
  maxSampleAheadMs: 10 * 60_000,
} as const;
