import { ERROR_CODES, type ErrorCode } from '@vigie/shared';

/** An expected failure at the HTTP edge: a code from the shared table, turned into JSON by onError. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CODES[code].message);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
