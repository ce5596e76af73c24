/**
 * Error codes of the HTTP API and the CLIs, one table. Clients switch on `code`; `status` is the
 * HTTP status the hub answers with. Messages are for humans and may change; codes may not.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed' },
  VALIDATION_FAILED: { status: 400, message: 'The request body or query does not match its schema' },
  UNAUTHENTICATED: { status: 401, message: 'A valid bearer token is required' },
  FORBIDDEN: { status: 403, message: 'This token may not do that' },
  NOT_FOUND: { status: 404, message: 'No such resource' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  // One code for every refused token (unknown, expired, used up, revoked): telling them apart
  // would tell a guesser which tokens exist. The real reason goes to the security audit.
  ENROLMENT_REFUSED: {
    status: 401,
    message: 'The enrolment token was refused; ask an administrator for a valid one',
  },
  INVALID_TRANSITION: {
    status: 409,
    message: 'This action does not apply to the incident in its current state',
  },
  CONFLICT: { status: 409, message: 'The resource changed meanwhile or conflicts with another one' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'The hub cannot write to its database' },
  INTERNAL: { status: 500, message: 'Internal error' },
  TARGET_NOT_ALLOWED: {
    status: 422,
    message: "The probe's target is outside the site's allowed networks and hosts",
  },
  RATE_LIMITED: { status: 429, message: 'Too many attempts from this address; retry later' },
  IMPORT_REJECTED: {
    status: 422,
    message: 'The file has invalid lines (listed in details); nothing was imported',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every API error. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
