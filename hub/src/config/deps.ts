import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { CredentialCache } from '../identity/credential-cache.js';
import type { IncidentRuntime } from '../incidents/runtime.js';
import type { RemediationHooks } from '../remediation/hooks.js';
import type { ClientAddressOf } from '../security/client-address.js';
import type { RandomBytes } from '../security/secrets.js';

/** What every hub component may need, passed down explicitly (no globals). */
export interface HubDeps {
  readonly db: Kysely<Database>;
  readonly clock: () => number;
  readonly random: RandomBytes;
  readonly log: Logger;
  /** Who sent a request: the peer, or behind `--trusted-proxies` its X-Forwarded-For client. */
  readonly clientAddress: ClientAddressOf;
  /** Incident rules and notifier, built once from the configuration (services.ts). */
  readonly incidents: IncidentRuntime;
  /** Agents' credentials in memory for hellos; absent means every hello reads the database. */
  readonly credentials?: CredentialCache;
  /**
   * N0 remediation's ingest hooks (decision 0029), built by the composition root; absent where a
   * test builds HubDeps by hand, which then runs no remediation (agents get no `remediate`).
   */
  readonly remediation?: RemediationHooks;
}
