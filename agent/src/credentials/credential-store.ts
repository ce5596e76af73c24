import { join } from 'node:path';
import {
  isPlainValidPolicy,
  type Policy,
  plainObject,
  plainOptional,
  plainRequired,
  plainString,
  policySchema,
  signingPublicKeySchema,
} from '@vigie/shared';
import { z } from 'zod';
import { type ReadJsonResult, readJsonFile, writeJsonFileAtomic } from './json-file.js';

/** What enrolment gave this agent; the secret is shown once by the hub and kept only here. */
export const credentialsSchema = z.object({
  hubUrl: z.url({ protocol: /^https?$/ }),
  agentId: z.string().min(8).max(64),
  secret: z.string().min(16).max(256),
  hostId: z.string().min(1).max(64),
  /** ISO 8601. */
  enrolledAt: z.iso.datetime(),
  /**
   * The hub's update-signing key, pinned at enrolment: only artefacts it signed are installed.
   * Absent (enrolled before hubs signed, or with a hub that does not): updates are refused (0017).
   */
  hubSigningKey: signingPublicKeySchema.optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

// zod's `iso.datetime()` (no offset, any precision): its date and time patterns.
const ISO_DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z))$/;
/** An http(s) URL zod's `url({ protocol })` keeps as it is: nothing to trim or strip, `://` written. */
const isPlainHubUrl = (value: unknown): boolean =>
  typeof value === 'string' &&
  /^https?:\/\/\S+$/i.test(value) &&
  URL.canParse(value) &&
  /^https?:$/.test(new URL(value).protocol);

/** `credentialsSchema`'s hand-written twin (decision 0039): true only for what it accepts unchanged. */
export const isPlainValidCredentials = plainObject({
  hubUrl: plainRequired(isPlainHubUrl),
  agentId: plainRequired(plainString(8, 64)),
  secret: plainRequired(plainString(16, 256)),
  hostId: plainRequired(plainString(1, 64)),
  enrolledAt: plainRequired(plainString(0, Number.MAX_SAFE_INTEGER, ISO_DATETIME)),
  hubSigningKey: plainOptional(plainString(0, Number.MAX_SAFE_INTEGER, /^[A-Za-z0-9_-]{43}$/)),
}) as (value: unknown) => value is Credentials;

export const CREDENTIALS_FILE = 'credentials.json';
export const POLICY_FILE = 'policy.json';

/** The agent's credential and last policy, in its state directory. */
export interface CredentialStore {
  readonly credentialsPath: string;
  readCredentials(): Promise<ReadJsonResult<Credentials>>;
  writeCredentials(credentials: Credentials): Promise<void>;
  /** The last policy the hub sent, applied while the hub is out of reach. */
  readPolicy(): Promise<ReadJsonResult<Policy>>;
  writePolicy(policy: Policy): Promise<void>;
}

/** A store over files in `stateDir` (created 0700 on first write; files are 0600). */
export function createCredentialStore(stateDir: string): CredentialStore {
  const credentialsPath = join(stateDir, CREDENTIALS_FILE);
  const policyPath = join(stateDir, POLICY_FILE);
  return {
    credentialsPath,
    readCredentials: () => readJsonFile(credentialsPath, credentialsSchema, isPlainValidCredentials),
    writeCredentials: (credentials) =>
      writeJsonFileAtomic(credentialsPath, credentialsSchema.parse(credentials)),
    readPolicy: () => readJsonFile(policyPath, policySchema, isPlainValidPolicy),
    writePolicy: (policy) => writeJsonFileAtomic(policyPath, policy),
  };
}
