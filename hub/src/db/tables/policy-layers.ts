import type { PolicyLayerScope } from '@vigie/shared';

/** One layer of the policy hierarchy; `settings` is a `PolicyLayerSettings` as JSON. */
export interface PolicyLayersTable {
  scope: PolicyLayerScope;
  /** '' for global, else a client id, site id, role or host id. */
  target: string;
  settings: string;
  /** Hub-wide counter at the last change; the effective policy's revision is the highest of all. */
  revision: number;
  updated_at: number;
  updated_by: string | null;
}
