import type { HubMessage, HubMessageType } from '@vigie/shared';

/** The hub message of one type. */
export type HubMessageOf<T extends HubMessageType> = Extract<HubMessage, { readonly type: T }>;

/**
 * One handler per hub→agent message type, keyed by type. Mapped over the protocol's union, so a
 * message type added to `@vigie/shared` fails type-check until it has a handler here.
 */
export type InboundHandlers = {
  readonly [T in HubMessageType]: (message: HubMessageOf<T>) => void;
};

/** Hands a decoded hub message to the handler of its type: the agent's one inbound dispatch. */
export function dispatchHubMessage(handlers: InboundHandlers, message: HubMessage): void {
  // TypeScript cannot correlate `handlers[message.type]` with `message`; the mapped type guarantees it.
  const handle = handlers[message.type] as (message: HubMessage) => void;
  handle(message);
}
