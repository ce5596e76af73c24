import type { CloseCodeName, ErrorMessage, Policy, ProbesMessage, WelcomeMessage } from '@vigie/shared';
import type { Log } from '../logger.js';
import type { InboundHandlers } from './inbound.js';

/** What the connection tells its owner; failures travel as events, never as thrown errors. */
export type ConnectionEvent =
  | { readonly type: 'connected'; readonly welcome: WelcomeMessage }
  | { readonly type: 'policy'; readonly policy: Policy; readonly source: 'welcome' | 'push' }
  /** The probes this agent runs for its site's devices (only after announcing the capability). */
  | { readonly type: 'probes'; readonly message: ProbesMessage }
  | { readonly type: 'ack'; readonly seq: number; readonly forgotten: number }
  | { readonly type: 'hubError'; readonly error: ErrorMessage }
  | {
      readonly type: 'disconnected';
      readonly code: number;
      readonly reason: string;
      readonly retryInMs: number;
    }
  /** The hub refused us for good (bad or revoked credential, unsupported version): a human must act. */
  | { readonly type: 'fatal'; readonly name: CloseCodeName; readonly code: number; readonly reason: string }
  | { readonly type: 'closed' };

/**
 * The inbound handlers of a connection given none (embedders, tests): what the hub says is
 * reported as `policy`, `probes` and `hubError` events. The agent runtime passes its own table.
 */
export function reportAsEvents(onEvent: (event: ConnectionEvent) => void, log: Log): InboundHandlers {
  return {
    welcome: (welcome) => onEvent({ type: 'policy', policy: welcome.policy, source: 'welcome' }),
    // The connection reports acks itself, with how many messages each let it forget.
    ack: () => {},
    // The connection saved and confirmed the rotated secret; nothing to report.
    credential: () => {},
    policy: (message) => onEvent({ type: 'policy', policy: message.policy, source: 'push' }),
    probes: (message) => onEvent({ type: 'probes', message }),
    // An embedder without a remediation runner runs nothing (its hello does not announce it anyway).
    remediate: (message) => log.warn('remediate ignored: no remediation runner', { action: message.action }),
    error: (message) => {
      logHubError(log, message);
      onEvent({ type: 'hubError', error: message });
    },
  };
}

/** The one log line of an `error` from the hub, whoever handles it. */
export function logHubError(log: Log, message: ErrorMessage): void {
  log.warn('hub reported an error', { code: message.code, message: message.message, seq: message.seq });
}
