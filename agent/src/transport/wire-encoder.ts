import {
  type AgentMessage,
  createStaticStripper,
  encodeMessage,
  STATIC_ON_CHANGE_CAPABILITY,
  type WelcomeMessage,
} from '@vigie/shared';

/**
 * How one connection writes messages (decision 0031): to a hub that announced static fields on
 * change, each `metrics` sample leaves out the memory totals and filesystem statics it already
 * sent on this socket; to any other hub, every message as it is. A new encoder per welcome, so a
 * reconnect (or a hub that restarted) gets full samples first. Messages are written in the order
 * the hub reads them, which is what lets it carry the fields forward.
 */
export function createWireEncoder(welcome: Pick<WelcomeMessage, 'capabilities'>) {
  const stripper = welcome.capabilities?.includes(STATIC_ON_CHANGE_CAPABILITY)
    ? createStaticStripper()
    : undefined;
  return (message: AgentMessage): string => {
    if (!stripper || message.type !== 'metrics') return encodeMessage(message);
    // The lean shape is the wire's only (the outbox keeps full samples): plain JSON, not a Sample.
    return JSON.stringify({ ...message, samples: message.samples.map(stripper.strip) });
  };
}
export type WireEncoder = ReturnType<typeof createWireEncoder>;
