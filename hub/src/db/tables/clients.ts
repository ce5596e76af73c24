/** A company served. `name` is the text hosts, tokens and incidents carry; it never changes. */
export interface ClientsTable {
  id: string;
  name: string;
  note: string;
  created_at: number;
  created_by: string | null;
}

/** A site of a client (an office, a data centre); `name` is what hosts carry as `site`. */
export interface SitesTable {
  id: string;
  client_id: string;
  name: string;
  note: string;
  created_at: number;
  created_by: string | null;
}

/** The clients a client-scoped user may see (users.client_scoped = 1). */
export interface UserClientsTable {
  user_id: string;
  client_id: string;
}
