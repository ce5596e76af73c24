/**
 * Why an update was not installed, or was undone: the `code` of the agent's log line, stable so
 * admins can search and alert on it. Messages are for humans and may change.
 */
export const UPDATE_ERRORS = {
  UPDATE_NO_PINNED_KEY: 'no hub signing key was pinned at enrolment; re-enrol to receive updates',
  UPDATE_NO_ARTEFACT: 'the hub announces no artefact for this platform and kind of install',
  UPDATE_SIGNATURE_INVALID: 'the announced artefact is not signed by the pinned hub key',
  UPDATE_DOWNLOAD_FAILED: 'the artefact could not be downloaded',
  UPDATE_TOO_LARGE: 'the download is larger than announced',
  UPDATE_SIZE_MISMATCH: 'the downloaded artefact does not have the announced size',
  UPDATE_CHECKSUM_MISMATCH: 'the downloaded artefact does not match the signed sha256',
  UPDATE_SMOKE_TEST_FAILED: 'the new version does not run or reports another version',
  UPDATE_INSTALL_FAILED: 'the new version could not be put in place',
  UPDATE_ROLLED_BACK: 'the new version did not reach the hub in time; the previous one was restored',
} as const;

export type UpdateErrorCode = keyof typeof UPDATE_ERRORS;

/** A failed step, as a result rather than a throw. */
export interface UpdateFailure {
  readonly ok: false;
  readonly code: UpdateErrorCode;
  readonly detail: string;
}

export function updateFailure(code: UpdateErrorCode, detail: string): UpdateFailure {
  return { ok: false, code, detail };
}
