/** One signed-in console browser. The cookie holds the token; `id_hash` is its SHA-256. */
export interface ConsoleSessionsTable {
  id_hash: string;
  user_id: string;
  /** Sent back in every state-changing form; compared in constant time. */
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end of the session, whatever its activity. */
  expires_at: number;
}
