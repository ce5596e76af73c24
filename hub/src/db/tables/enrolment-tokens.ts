import type { HostRole } from '@vigie/shared';
import type { ColumnType } from 'kysely';

export interface EnrolmentTokensTable {
  id: string;
  token_hash: string;
  client: string;
  site: string;
  /** The client and site entities named by the text above (null only for rows older than them). */
  client_id: ColumnType<string | null, string | null | undefined, string | null>;
  site_id: ColumnType<string | null, string | null | undefined, string | null>;
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
