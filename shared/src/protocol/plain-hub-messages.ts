import { isIP } from 'node:net';
import { CHECK_DIRECTIONS, type CheckRule, PLAIN_KINDS, thresholdProblems } from '../checks/rule.js';
import type { Policy } from '../policy/policy.js';
import { LIMITS } from './limits.js';
import type { HubMessage } from './messages.js';
import {
  plainAgentId as agentId,
  plainBootId as bootId,
  plainCount as count,
  plainEpochMs as epochMs,
  plainName as name,
  optional,
  type PlainCheck,
  plainArray,
  plainBoolean,
  plainInteger,
  plainList,
  plainNullable,
  plainNumber,
  plainObject,
  plainOneOf,
  plainString,
  plainVariants,
  required,
  plainSeq as seq,
  plainText as text,
} from './plain-checks.js';
import { isHostname, MAX_PROBES_PER_AGENT, urlHost } from './probes/spec.js';

// Hand-written twins of the zod schemas of what a hub sends an agent in its steady state (decision
// 0039): `welcome`, `ack`, `policy`, `error`, `credential`, `probes`, and the policy alone (the
// agent's saved copy). Each says "valid" only for a value its schema accepts unchanged; anything
// else — including `remediate`, rare and left to zod — goes to zod, which decides. The agent then needs
// zod only when a hub sends something unusual. plain-hub-messages.property.test.ts compares each
// with its schema; change one, change the other.

const ID = /^[A-Za-z0-9_-]+$/;
const bytes = plainNumber(0, 2 ** 60);
const seconds = plainInteger(0, 7 * 86_400);

// checks/rule.ts
const threshold = plainObject({
  trigger: required(plainNumber(-Number.MAX_VALUE, Number.MAX_VALUE)),
  clear: required(plainNumber(-Number.MAX_VALUE, Number.MAX_VALUE)),
  forSec: optional(seconds),
});
// `include` and `exclude` default to []: absent, zod fills them in (a change), so both are required here.
const resources = plainObject({ include: required(plainList(name)), exclude: required(plainList(name)) });
const common = {
  enabled: required(plainBoolean),
  direction: required(plainOneOf(CHECK_DIRECTIONS)),
  warning: required(plainNullable(threshold)),
  critical: required(plainNullable(threshold)),
  forSec: required(seconds),
  clearForSec: required(seconds),
  resources: optional(resources),
};
const consistent = (rule: Record<string, unknown>) =>
  thresholdProblems(rule as Pick<CheckRule, 'direction' | 'warning' | 'critical'>).length === 0;
const options = (shape: Parameters<typeof plainObject>[0]) => ({ options: required(plainObject(shape)) });
const withOptions = (shape: Parameters<typeof plainObject>[0]) =>
  plainObject({ kind: required(plainString(1, 64)), ...common, ...options(shape) }, consistent);
const plainRule = plainObject({ kind: required(plainString(1, 64)), ...common }, consistent);
const checkRule = plainVariants('kind', {
  ...Object.fromEntries(PLAIN_KINDS.map((kind) => [kind, plainRule])),
  'fs.usage': withOptions({
    freeFloorBytes: required(
      plainObject({ warning: required(plainNullable(bytes)), critical: required(plainNullable(bytes)) }),
    ),
  }),
  'fs.forecast': withOptions({
    windowSec: required(plainInteger(60, 86_400)),
    minPoints: required(plainInteger(2, 10_000)),
    minSpanSec: required(plainInteger(0, 86_400)),
  }),
  'service.down': withOptions({ services: required(plainList(name)) }),
  'host.reboot': withOptions({ holdSec: required(seconds) }),
});
// The list's preprocess drops entries of kinds the agent does not evaluate (a change); the variants
// above are exactly the agent's kinds of CHECK_KINDS, so such an entry is not plain.
const checkRules: PlainCheck = plainList(checkRule);

// policy/policy.ts
const policy = plainObject({
  revision: required(count),
  metricsIntervalSec: required(plainInteger(1, 3600)),
  processesIntervalSec: required(plainInteger(5, 86_400)),
  inventoryCron: required(plainString(9, 100)),
  services: required(plainList(name)),
  checks: optional(checkRules),
  autoUpdate: optional(plainBoolean),
});

// update/agent-update.ts
const artefact = plainObject({
  name: required(plainString(0, Number.MAX_SAFE_INTEGER, /^[A-Za-z0-9._-]{1,64}$/)),
  kind: required(plainOneOf(['script', 'binary'])),
  platform: required(plainString(1, 16)),
  arch: required(plainString(1, 16)),
  url: required(plainString(0, Number.MAX_SAFE_INTEGER, /^\/downloads\/[A-Za-z0-9._-]{1,64}$/)),
  size: required(plainInteger(1, 256 * 1024 * 1024)),
  sha256: required(plainString(0, Number.MAX_SAFE_INTEGER, /^[0-9a-f]{64}$/)),
  signature: required(plainString(0, Number.MAX_SAFE_INTEGER, /^[A-Za-z0-9_-]{86}$/)),
});
const agentUpdate = plainObject({
  version: required(plainString(0, 64, /^\d{1,6}\.\d{1,6}\.\d{1,6}(-[0-9A-Za-z.-]{1,40})?$/)),
  artefacts: required(plainArray(artefact, 0, 8)),
});

// protocol/probes/allow.ts: a CIDR, an address, a host name or *.domain.
const allowEntry: PlainCheck = (value) => {
  if (!plainString(1, 256)(value)) return false;
  const entry = value as string;
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version !== 0) {
    if (slash < 0) return true;
    const prefix = entry.slice(slash + 1);
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
  }
  return (entry.startsWith('*.') && isHostname(entry.slice(2))) || isHostname(entry);
};

// protocol/probes/spec.ts. Every defaulted field is required here: absent, zod fills it in.
const isAddress = (value: unknown) => typeof value === 'string' && isIP(value) !== 0;
const hostName = (value: unknown) => typeof value === 'string' && isHostname(value);
const probeHost: PlainCheck = (value) => plainString(1, 253)(value) && (isAddress(value) || hostName(value));
const probePort = plainInteger(1, 65_535);
const httpUrl: PlainCheck = (value) => {
  if (!plainString(1, 2048)(value) || !URL.canParse(value as string)) return false;
  const url = new URL(value as string);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    probeHost(urlHost(url))
  );
};
const probeCommon = {
  id: required(plainString(1, 64, ID)),
  intervalSec: required(plainInteger(1, 86_400)),
  timeoutMs: required(plainInteger(50, 60_000)),
};
const kind = (name: string) => ({ kind: required(plainOneOf([name])) });
const probeSpec = plainVariants('kind', {
  ping: plainObject({
    ...kind('ping'),
    ...probeCommon,
    host: required(probeHost),
    count: required(plainInteger(1, 10)),
    fallbackPort: required(probePort),
  }),
  tcp: plainObject({ ...kind('tcp'), ...probeCommon, host: required(probeHost), port: required(probePort) }),
  http: plainObject({
    ...kind('http'),
    ...probeCommon,
    url: required(httpUrl),
    expectStatus: required(plainArray(plainInteger(100, 599), 0, 32)),
    bodyMatch: optional(plainString(1, 256)),
    tlsVerify: required(plainBoolean),
  }),
  tls: plainObject({
    ...kind('tls'),
    ...probeCommon,
    host: required(probeHost),
    port: required(probePort),
    servername: optional(hostName),
  }),
  dns: plainObject({
    ...kind('dns'),
    ...probeCommon,
    query: required(hostName),
    recordType: required(plainOneOf(['A', 'AAAA'])),
    server: optional(plainObject({ host: required(isAddress), port: required(probePort) })),
    expect: required(plainArray(isAddress, 0, 32)),
  }),
});

const hubMessage = plainVariants('type', {
  welcome: plainObject({
    type: required(plainOneOf(['welcome'])),
    protocolVersion: required(plainInteger(1, Number.MAX_SAFE_INTEGER)),
    hostId: required(plainString(1, 64)),
    serverTime: required(epochMs),
    ackedSeq: required(plainInteger(0, Number.MAX_SAFE_INTEGER)),
    policy: required(policy),
    agentUpdate: optional(agentUpdate),
    capabilities: optional(plainArray(plainString(1, 64), 0, 32)),
  }),
  ack: plainObject({ type: required(plainOneOf(['ack'])), bootId: required(bootId), seq: required(seq) }),
  policy: plainObject({ type: required(plainOneOf(['policy'])), policy: required(policy) }),
  error: plainObject({
    type: required(plainOneOf(['error'])),
    code: required(plainString(1, 64)),
    message: required(text),
    seq: optional(plainInteger(0, Number.MAX_SAFE_INTEGER)),
  }),
  credential: plainObject({
    type: required(plainOneOf(['credential'])),
    agentId: required(agentId),
    secret: required(plainString(16, LIMITS.maxSecretLength)),
    previousValidUntil: required(epochMs),
  }),
  probes: plainObject({
    type: required(plainOneOf(['probes'])),
    allow: required(plainArray(allowEntry, 0, 256)),
    probes: required(plainArray(probeSpec, 0, MAX_PROBES_PER_AGENT)),
  }),
});

/** True only for a hub message `hubMessageSchema` accepts as it is; false means "ask zod". */
export function isPlainValidHubMessage(value: unknown): value is HubMessage {
  return hubMessage(value);
}

/** True only for a policy `policySchema` accepts as it is; false means "ask zod". */
export function isPlainValidPolicy(value: unknown): value is Policy {
  return policy(value);
}
