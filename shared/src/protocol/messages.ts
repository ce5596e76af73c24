import { z } from 'zod';
import { checkSnapshotSchema } from './agent/check-snapshot.js';
import { checkStateSchema } from './agent/check-state.js';
import { credentialSavedSchema } from './agent/credential-saved.js';
import { helloSchema } from './agent/hello.js';
import { inventorySchema } from './agent/inventory.js';
import { metricsSchema } from './agent/metrics.js';
import { metricsGapSchema } from './agent/metrics-gap.js';
import { probeResultSchema } from './agent/probe-result.js';
import { remediationResultSchema } from './agent/remediation-result.js';
import { ackSchema } from './hub/ack.js';
import { credentialMessageSchema } from './hub/credential.js';
import { errorMessageSchema } from './hub/error.js';
import { policyMessageSchema } from './hub/policy.js';
import { probesMessageSchema } from './hub/probes.js';
import { remediateSchema } from './hub/remediate.js';
import { welcomeSchema } from './hub/welcome.js';

/** Everything an agent may send, discriminated by `type`. */
export const agentMessageSchema = z.discriminatedUnion('type', [
  helloSchema,
  metricsSchema,
  checkStateSchema,
  inventorySchema,
  metricsGapSchema,
  credentialSavedSchema,
  // Sent only by agents the hub gave probes to, so a hub that predates it never receives one.
  probeResultSchema,
  // Sent only to hubs whose welcome announced the `checkSnapshot` capability (decision 0024).
  checkSnapshotSchema,
  // Sent only to hubs whose welcome announced the `remediation` capability (decision 0029).
  remediationResultSchema,
]);
export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type AgentMessageType = AgentMessage['type'];
/** Agent messages that carry data and therefore `(bootId, seq)`. */
export type AgentDataMessage = Exclude<AgentMessage, { type: 'hello' | 'credentialSaved' }>;
/** Agent messages about the connection itself: no `(bootId, seq)`, never stored as data. */
export type AgentControlMessage = Extract<AgentMessage, { type: 'hello' | 'credentialSaved' }>;

/** Everything a hub may send, discriminated by `type`. */
export const hubMessageSchema = z.discriminatedUnion('type', [
  welcomeSchema,
  ackSchema,
  policyMessageSchema,
  errorMessageSchema,
  credentialMessageSchema,
  // Sent only to agents whose hello announced the `probes` capability: older agents never see it.
  probesMessageSchema,
  // Sent only to agents whose hello announced the `remediation` capability (decision 0029).
  remediateSchema,
]);
export type HubMessage = z.infer<typeof hubMessageSchema>;
export type HubMessageType = HubMessage['type'];
