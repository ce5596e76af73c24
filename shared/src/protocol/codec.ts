import { z } from 'zod';
import { metricsSchema } from './agent/metrics.js';
import { CLOSE_CODES, type CloseCodeName } from './close-codes.js';
import { isPlainValidMetrics } from './fast-metrics.js';
import { LIMITS } from './limits.js';
import { type AgentMessage, agentMessageSchema, type HubMessage, hubMessageSchema } from './messages.js';
import { sampleSchema } from './sample.js';
import type { StaticCarry } from './sample-statics.js';

export type RawFrame = string | Buffer | ArrayBuffer | Buffer[];

/** Why a frame was refused: the close code to use and a reason short enough for a close frame. */
export interface DecodeError {
  readonly code: CloseCodeName;
  readonly closeCode: number;
  /** Human-readable detail for logs; the close frame carries a truncated copy. */
  readonly detail: string;
}

/** A sample of a `metrics` message left out because it broke `sampleSchema`. */
export interface RefusedSample {
  /** Its index in the message as sent. */
  readonly index: number;
  readonly detail: string;
}

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T; readonly refusedSamples?: readonly RefusedSample[] }
  | { readonly ok: false; readonly error: DecodeError };

function failure(code: CloseCodeName, detail: string): { ok: false; error: DecodeError } {
  return { ok: false, error: { code, closeCode: CLOSE_CODES[code].code, detail } };
}

function frameToString(frame: RawFrame): string {
  if (typeof frame === 'string') return frame;
  if (Array.isArray(frame)) return Buffer.concat(frame).toString('utf8');
  if (frame instanceof ArrayBuffer) return Buffer.from(frame).toString('utf8');
  return frame.toString('utf8');
}

function frameLength(frame: RawFrame): number {
  if (typeof frame === 'string') return Buffer.byteLength(frame);
  if (Array.isArray(frame)) return frame.reduce((sum, part) => sum + part.length, 0);
  return frame.byteLength;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

// A metrics message whose envelope is sound but some samples are not: the samples are judged one
// by one against `sampleSchema` (still the schema of record). Closing the socket instead would
// make the agent resend the same message forever, since it keeps what is not acknowledged.
const metricsEnvelopeSchema = metricsSchema.extend({
  samples: z.array(z.unknown()).min(1).max(LIMITS.maxSamplesPerBatch),
});

/** The metrics message with its valid samples only, or undefined if its envelope is broken. */
function salvageMetrics(json: unknown): DecodeResult<AgentMessage> | undefined {
  if ((json as { type?: unknown } | null)?.type !== 'metrics') return undefined;
  const envelope = metricsEnvelopeSchema.safeParse(json);
  if (!envelope.success) return undefined;
  const samples: z.infer<typeof sampleSchema>[] = [];
  const refusedSamples: RefusedSample[] = [];
  envelope.data.samples.forEach((raw, index) => {
    const sample = sampleSchema.safeParse(raw);
    if (sample.success) samples.push(sample.data);
    else refusedSamples.push({ index, detail: describeIssues(sample.error) });
  });
  return { ok: true, value: { ...envelope.data, samples }, refusedSamples };
}

/** Parse a frame, or say why it cannot be. */
function parseFrame(frame: RawFrame): { ok: true; json: unknown } | { ok: false; error: DecodeError } {
  if (frameLength(frame) > LIMITS.maxFrameBytes) {
    return failure('FRAME_TOO_LARGE', `frame of ${frameLength(frame)} bytes exceeds ${LIMITS.maxFrameBytes}`);
  }
  try {
    return { ok: true, json: JSON.parse(frameToString(frame)) };
  } catch (cause) {
    return failure('INVALID_JSON', cause instanceof Error ? cause.message : 'unparsable frame');
  }
}

function validateWith<T>(
  schema: z.ZodType<T>,
  json: unknown,
  salvage?: (json: unknown) => DecodeResult<T> | undefined,
): DecodeResult<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) return salvage?.(json) ?? failure('SCHEMA_VIOLATION', describeIssues(parsed.error));
  return { ok: true, value: parsed.data };
}

/**
 * Parse and validate one frame received from an agent. Never throws. A `metrics` message whose
 * only faults are in some samples decodes with those samples left out and listed in
 * `refusedSamples` (possibly all of them: the message is still acknowledged, nothing is stored).
 * `carry` is the connection's static fields (sample-statics.ts), for agents that send them on change.
 */
export function decodeAgentMessage(frame: RawFrame, carry?: StaticCarry): DecodeResult<AgentMessage> {
  const parsed = parseFrame(frame);
  if (!parsed.ok) return parsed;
  // A connection's carried static fields go back into lean samples before anything is judged.
  carry?.fill(parsed.json);
  // The hot path: a metrics message the hand validator knows valid as it is needs no zod pass.
  if (isPlainValidMetrics(parsed.json)) return { ok: true, value: parsed.json };
  return validateWith(agentMessageSchema, parsed.json, salvageMetrics);
}

/** Parse and validate one frame received from a hub. Never throws. */
export function decodeHubMessage(frame: RawFrame): DecodeResult<HubMessage> {
  const parsed = parseFrame(frame);
  return parsed.ok ? validateWith(hubMessageSchema, parsed.json) : parsed;
}

/** Serialise a message for the wire. Typed so only valid message shapes compile. */
export function encodeMessage(message: AgentMessage | HubMessage): string {
  return JSON.stringify(message);
}

/** Close reasons are limited to 123 bytes by RFC 6455; keep the start of the detail. */
export function closeReason(detail: string): string {
  const buffer = Buffer.from(detail, 'utf8');
  if (buffer.length <= 123) return detail;
  return `${buffer
    .subarray(0, 120)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}...`;
}
