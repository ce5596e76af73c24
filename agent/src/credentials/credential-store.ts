import { join } from 'node:path';
import { type Policy, policySchema, signingPublicKeySchema } from '@vigie/shared';
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
    readCredentials: () => readJsonFile(credentialsPath, credentialsSchema),
    writeCredentials: (credentials) =>
      writeJsonFileAtomic(credentialsPath, credentialsSchema.parse(credentials)),
    readPolicy: () => readJsonFile(policyPath, policySchema),
    writePolicy: (policy) => writeJsonFileAtomic(policyPath, policy),
  };
}
