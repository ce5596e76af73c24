/**
 * Application close codes (4000–4999), one table. `reconnect` tells the agent what to do next:
 * `backoff` retries with jittered exponential backoff, `never` stops (a human must act: the
 * credential is wrong or revoked, or the agent is too old). 1009 (frame too big) is WebSocket's own.
 */
export const CLOSE_CODES = {
  PROTOCOL_ERROR: { code: 4000, reason: 'protocol error', reconnect: 'backoff' },
  INVALID_JSON: { code: 4001, reason: 'frame is not valid JSON', reconnect: 'backoff' },
  SCHEMA_VIOLATION: { code: 4002, reason: 'message does not match its schema', reconnect: 'backoff' },
  HELLO_REQUIRED: { code: 4003, reason: 'first message must be hello', reconnect: 'backoff' },
  UNSUPPORTED_VERSION: { code: 4004, reason: 'protocol version not supported', reconnect: 'never' },
  DUPLICATE_HELLO: { code: 4005, reason: 'hello sent twice', reconnect: 'backoff' },
  HELLO_TIMEOUT: { code: 4006, reason: 'no hello in time', reconnect: 'backoff' },
  FRAME_TOO_LARGE: { code: 4007, reason: 'frame exceeds the size limit', reconnect: 'backoff' },
  AUTH_FAILED: { code: 4010, reason: 'unknown agent or wrong secret', reconnect: 'never' },
  CREDENTIAL_REVOKED: { code: 4011, reason: 'agent credential revoked', reconnect: 'never' },
  HELLO_KEY_MISSING: {
    code: 4014,
    reason: 'no hello key for this agent yet: send one legacy hello',
    reconnect: 'backoff',
  },
  LEGACY_HELLO_REFUSED: { code: 4015, reason: 'hello without a nonce proof refused', reconnect: 'never' },
  FINGERPRINT_MISMATCH: { code: 4013, reason: 'credential used from another machine', reconnect: 'never' },
  SUPERSEDED: {
    code: 4020,
    reason: 'a newer connection of this agent replaced this one',
    reconnect: 'backoff',
  },
  HEARTBEAT_TIMEOUT: { code: 4021, reason: 'no pong in time', reconnect: 'backoff' },
  SERVICE_RESTART: { code: 4030, reason: 'hub restarting', reconnect: 'backoff' },
  STORAGE_UNAVAILABLE: { code: 4031, reason: 'hub storage unavailable', reconnect: 'backoff' },
  RATE_LIMITED: { code: 4032, reason: 'too many messages from this agent', reconnect: 'backoff' },
  TOO_MANY_HANDSHAKES: { code: 4033, reason: 'too many connections awaiting hello', reconnect: 'backoff' },
  SLOW_CONSUMER: { code: 4034, reason: 'agent does not read what the hub sends', reconnect: 'backoff' },
} as const satisfies Record<string, { code: number; reason: string; reconnect: 'backoff' | 'never' }>;

export type CloseCodeName = keyof typeof CLOSE_CODES;

const BY_CODE: ReadonlyMap<number, CloseCodeName> = new Map(
  (Object.keys(CLOSE_CODES) as CloseCodeName[]).map((key) => [CLOSE_CODES[key].code, key]),
);

/** Name of an application close code, or undefined for codes this table does not own. */
export function closeCodeName(code: number): CloseCodeName | undefined {
  return BY_CODE.get(code);
}
