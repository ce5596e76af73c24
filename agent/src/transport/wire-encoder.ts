import {
  type AgentMessage,
  createMetricsDeltaEncoder,
  createStaticStripper,
  encodeMessage,
  SAMPLE_DELTA_CAPABILITY,
  STATIC_ON_CHANGE_CAPABILITY,
  type WelcomeMessage,
} from '@vigie/shared';

/**
 * How one connection writes messages: to a hub that reads samples as changes (decision 0033, both
 * hello and welcome announced it), each
 * `metrics` message as what changed since the one written before on this socket; to a hub that
 * only carries static fields (0031), each sample without the memory totals and filesystem statics
 * it already sent; to any other hub, every message as it is. A new encoder per welcome, so a
 * reconnect (or a hub that restarted) gets a full sample first. Messages are written in the order
 * the hub reads them, which is what lets it rebuild them. The lean shapes are the wire's only (the
 * outbox keeps full samples): plain JSON, not Samples.
 */
export function createWireEncoder(
  welcome: Pick<WelcomeMessage, 'capabilities'>,
  /** What this socket's hello announced: the hub reads changes only from a hello that said so. */
  announced: readonly string[] = [],
) {
  const capabilities = welcome.capabilities ?? [];
  if (capabilities.includes(SAMPLE_DELTA_CAPABILITY) && announced.includes(SAMPLE_DELTA_CAPABILITY)) {
    const delta = createMetricsDeltaEncoder();
    return (message: AgentMessage): string =>
      message.type === 'metrics' ? JSON.stringify(delta.encode(message)) : encodeMessage(message);
  }
  if (capabilities.includes(STATIC_ON_CHANGE_CAPABILITY)) {
    const stripper = createStaticStripper();
    return (message: AgentMessage): string =>
      message.type === 'metrics'
        ? JSON.stringify({ ...message, samples: message.samples.map(stripper.strip) })
        : encodeMessage(message);
  }
  return encodeMessage;
}
export type WireEncoder = ReturnType<typeof createWireEncoder>;
