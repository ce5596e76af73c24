import { CHECK_STATES } from '../domain/check-state.js';
import { MAX_SNAPSHOT_CHECKS, SNAPSHOT_CHECK_STATES } from './agent/check-snapshot.js';
import type { Software } from './agent/inventory.js';
import { LIMITS } from './limits.js';
import type { AgentMessage } from './messages.js';
import {
  plainBootId as bootId,
  plainCount as count,
  plainEpochMs as epochMs,
  isPlainRecord,
  plainName as name,
  optional,
  plainOptionalName as optionalName,
  type PlainCheck,
  plainArray,
  plainInteger,
  plainList,
  plainNullable,
  plainNumber,
  plainObject,
  plainOneOf,
  plainString,
  plainVariants,
  required,
  plainText as text,
} from './plain-checks.js';

// Hand-written twins of the zod schemas of the events an agent queues (decision 0039): `inventory`,
// `checkState`, `checkSnapshot`, `metricsGap`. The agent checks its spool's records with them when
// it starts again, so a restart needs no zod for what it wrote itself; anything they refuse
// (and `probeResult`, `remediationResult`, rare) goes to agentMessageSchema, which decides.
// plain-agent-events.property.test.ts compares them with it; change one, change the other.

const anyNumber = plainNumber(-Number.MAX_VALUE, Number.MAX_VALUE);
const envelope = {
  bootId: required(bootId),
  seq: required(plainInteger(1, Number.MAX_SAFE_INTEGER)),
};
const type = (name: string) => ({ type: required(plainOneOf([name])) });

// agent/inventory.ts: facts are a record of bounded names to a string, number, boolean or null.
const factValue: PlainCheck = (value) =>
  value === null || typeof value === 'boolean' || anyNumber(value) || text(value);
const facts: PlainCheck = (value) => {
  if (!isPlainRecord(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key === '__proto__' || !name(key) || !factValue(value[key]))
      return false;
  }
  return true;
};
const software = plainObject({
  name: required(name),
  version: required(optionalName),
  publisher: optional(optionalName),
  installedAt: optional(epochMs),
  source: required(name),
});

const agentEvent = plainVariants('type', {
  inventory: plainObject(
    {
      ...type('inventory'),
      ...envelope,
      at: required(epochMs),
      hash: required(plainString(8, 128)),
      chunk: required(count),
      chunks: required(plainInteger(1, LIMITS.maxInventoryChunks)),
      hardware: optional(facts),
      os: optional(facts),
      cpu: optional(facts),
      updates: optional(facts),
      antivirus: optional(facts),
      memoryModules: optional(plainList(facts)),
      disks: optional(plainList(facts)),
      networkInterfaces: optional(plainList(facts)),
      software: optional(plainArray(software, 0, LIMITS.maxSoftwarePerChunk)),
    },
    (m) => (m.chunk as number) < (m.chunks as number),
  ),
  checkState: plainObject({
    ...type('checkState'),
    ...envelope,
    at: required(epochMs),
    check: required(name),
    resource: optional(optionalName),
    state: required(plainOneOf(CHECK_STATES)),
    previous: required(plainOneOf(CHECK_STATES)),
    value: required(plainNullable(anyNumber)),
    threshold: required(plainNullable(anyNumber)),
    message: optional(text),
  }),
  checkSnapshot: plainObject({
    ...type('checkSnapshot'),
    ...envelope,
    at: required(epochMs),
    complete: required(plainOneOf([true])),
    checks: required(
      plainArray(
        plainObject({
          check: required(name),
          resource: optional(optionalName),
          state: required(plainOneOf(SNAPSHOT_CHECK_STATES)),
          observedAt: required(epochMs),
          value: required(plainNullable(anyNumber)),
          threshold: required(plainNullable(anyNumber)),
          message: optional(plainString(0, 512)),
        }),
        0,
        MAX_SNAPSHOT_CHECKS,
      ),
    ),
  }),
  metricsGap: plainObject(
    {
      ...type('metricsGap'),
      ...envelope,
      from: required(epochMs),
      to: required(epochMs),
      count: required(plainInteger(1, Number.MAX_SAFE_INTEGER)),
    },
    (gap) => (gap.from as number) <= (gap.to as number),
  ),
});

/** True only for a software entry `softwareSchema` accepts as it is; false means "ask zod". */
export function isPlainValidSoftware(value: unknown): value is Software {
  return software(value);
}

/** True only for an event `agentMessageSchema` accepts as it is; false means "ask zod". */
export function isPlainValidAgentEvent(value: unknown): value is AgentMessage {
  return agentEvent(value);
}
