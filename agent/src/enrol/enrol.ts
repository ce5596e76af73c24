import {
  type EnrolRequest,
  type EnrolResponse,
  ERROR_CODES,
  type ErrorCode,
  enrolResponseSchema,
} from '@vigie/shared';
import { z } from 'zod';
import { hubHttpEndpoint } from '../transport/hub-url.js';

/** Failures that happen before the hub could answer, or when its answer makes no sense. */
export const ENROL_CLIENT_ERRORS = ['NETWORK_ERROR', 'BAD_RESPONSE'] as const;
export type EnrolErrorCode = ErrorCode | (typeof ENROL_CLIENT_ERRORS)[number];

export type EnrolResult =
  | { readonly ok: true; readonly response: EnrolResponse }
  | { readonly ok: false; readonly code: EnrolErrorCode; readonly message: string; readonly status?: number };

export interface EnrolOptions {
  readonly hubUrl: string;
  readonly request: EnrolRequest;
  readonly timeoutMs?: number;
  /** Injected so tests (and proxies) can replace it. */
  readonly fetch?: typeof fetch;
}

const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

/** Trades an enrolment token for this agent's credential. Never throws. */
export async function enrol(options: EnrolOptions): Promise<EnrolResult> {
  const url = hubHttpEndpoint(options.hubUrl, 'api/v1/enrol');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(options.request),
      // A POST silently turned into a GET by a redirect would hide the real problem: a wrong URL.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const error = cause as Error;
    const message =
      error.name === 'TimeoutError'
        ? `no answer from ${url} within ${timeoutMs / 1000} s`
        : `cannot reach ${url}: ${error.cause instanceof Error ? error.cause.message : error.message}`;
    return { ok: false, code: 'NETWORK_ERROR', message };
  }

  const { status } = response;
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location') ?? 'elsewhere';
    return {
      ok: false,
      code: 'BAD_RESPONSE',
      status,
      message: `hub redirects to ${location}; use that URL as --hub`,
    };
  }
  const body = await readJson(response);
  if (status === 201 || status === 200) {
    const parsed = enrolResponseSchema.safeParse(body);
    if (parsed.success) return { ok: true, response: parsed.data };
    return { ok: false, code: 'BAD_RESPONSE', status, message: `unexpected enrolment answer from ${url}` };
  }
  const apiError = apiErrorSchema.safeParse(body);
  if (apiError.success) {
    const { code, message } = apiError.data.error;
    if (isErrorCode(code)) return { ok: false, code, status, message };
    return { ok: false, code: 'BAD_RESPONSE', status, message: `hub answered ${status} ${code}: ${message}` };
  }
  return {
    ok: false,
    code: 'BAD_RESPONSE',
    status,
    message: `hub answered HTTP ${status} without an error body (${url})`,
  };
}
