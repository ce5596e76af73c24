import { type DecodeResult, decodeHubMessage, type RawFrame } from './codec.js';
import { LIMITS } from './limits.js';
import type { HubMessage } from './messages.js';
import { isPlainValidHubMessage } from './plain-hub-messages.js';

// The agent's decoder of hub frames (decision 0039): a frame the hand-written check knows valid as
// it is decodes without zod; anything else — too large, not JSON, refused, or only valid once zod
// has stripped or filled something — goes to `decodeHubMessage`, which decides as it always did
// (same result, same error code, same detail).

function frameText(frame: RawFrame): string {
  if (typeof frame === 'string') return frame;
  if (Array.isArray(frame)) return Buffer.concat(frame).toString('utf8');
  if (frame instanceof ArrayBuffer) return Buffer.from(frame).toString('utf8');
  return frame.toString('utf8');
}

function frameBytes(frame: RawFrame): number {
  if (typeof frame === 'string') return Buffer.byteLength(frame);
  if (Array.isArray(frame)) return frame.reduce((sum, part) => sum + part.length, 0);
  return frame.byteLength;
}

/** `decodeHubMessage`, without zod for the messages a hub sends in the steady state. Never throws. */
export function decodeHubMessagePlainFirst(frame: RawFrame): DecodeResult<HubMessage> {
  if (frameBytes(frame) <= LIMITS.maxFrameBytes) {
    let json: unknown;
    try {
      json = JSON.parse(frameText(frame));
    } catch {
      return decodeHubMessage(frame);
    }
    if (isPlainValidHubMessage(json)) return { ok: true, value: json };
  }
  return decodeHubMessage(frame);
}
