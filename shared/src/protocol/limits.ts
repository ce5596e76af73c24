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
} as const;
