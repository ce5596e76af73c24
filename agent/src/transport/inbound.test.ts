import { DEFAULT_POLICY, type HubMessage } from '@vigie/shared';
import { describe, expect, it } from 'vitest';
import { dispatchHubMessage, type InboundHandlers } from './inbound.js';

function recordingHandlers() {
  const calls: Array<[string, HubMessage]> = [];
  const record = (type: string) => (message: HubMessage) => calls.push([type, message]);
  const handlers: InboundHandlers = {
    welcome: record('welcome'),
    ack: record('ack'),
    policy: record('policy'),
    error: record('error'),
    credential: record('credential'),
    probes: record('probes'),
    remediate: record('remediate'),
  };
  return { handlers, calls };
}

const MESSAGES: HubMessage[] = [
  { type: 'welcome', protocolVersion: 1, hostId: 'h1', serverTime: 1, ackedSeq: 0, policy: DEFAULT_POLICY },
  { type: 'ack', bootId: 'boot_inbound_01', seq: 3 },
  { type: 'policy', policy: DEFAULT_POLICY },
  { type: 'error', code: 'SAMPLE_REJECTED', message: 'clock skew', seq: 3 },
  { type: 'credential', agentId: 'agt_1', secret: 's'.repeat(43), previousValidUntil: 1 },
  { type: 'probes', allow: [], probes: [] },
];

describe('dispatchHubMessage', () => {
  it.each(MESSAGES.map((message) => [message.type, message] as const))(
    'hands a %s message to its own handler and to no other',
    (type, message) => {
      const { handlers, calls } = recordingHandlers();
      dispatchHubMessage(handlers, message);
      expect(calls).toEqual([[type, message]]);
    },
  );
});
