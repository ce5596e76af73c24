import type { HostRole } from '@vigie/shared';

export interface EnrolmentTokensTable {
  id: string;
  token_hash: string;
  client: string;
  site: string;
  /** Role given to hosts enrolled with this token, unless the agent says otherwise. */
  role: HostRole | null;
  max_uses: number;
  uses: number;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
  created_by: string | null;
  note: string;
}
