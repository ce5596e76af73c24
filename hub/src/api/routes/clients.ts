import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { scopeAllows } from '../../db/client-scope.js';
import { generateId } from '../../security/secrets.js';
import {
  type ClientRow,
  countClientUses,
  deleteClient,
  findClient,
  findUserClients,
  insertClient,
  listClients,
  listSites,
  type SiteRow,
  setUserClients,
  updateClientNote,
} from '../../tenancy/clients.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

/**
 * A client or site name: stored verbatim (shown escaped), bounded, no control characters, and no
 * `/`, which separates client and site in dedup keys and maintenance-window targets.
 */
export const entityName = z
  .string()
  .min(1)
  .max(256)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  .regex(/^[^\u0000-\u001f\u007f/]+$/, 'no control characters and no /');
export const note = z.string().max(1000);

const createBody = z.strictObject({ name: entityName, note: note.optional() });
const patchBody = z.strictObject({ note });
const userClientsBody = z.strictObject({
  /** null: the user sees every client; a list (maybe empty): only those. */
  clients: z.array(z.string().min(1).max(64)).max(1000).nullable(),
});

export const siteView = (row: SiteRow) => ({
  id: row.id,
  clientId: row.client_id,
  name: row.name,
  note: row.note,
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
});

const clientView = (row: ClientRow) => ({
  id: row.id,
  name: row.name,
  note: row.note,
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
});

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Clients in the caller’s scope, with their sites' }),
  post: describeRoute({
    summary: 'Create a client',
    body: createBody,
    example: { name: 'acme', note: 'Head office in Lyon' },
    status: 201,
  }),
  getOne: describeRoute({ summary: 'One client with its sites' }),
  patchOne: describeRoute({
    summary: 'Change a client’s note',
    body: patchBody,
    example: { note: 'Moved to Villeurbanne' },
  }),
  deleteOne: describeRoute({ summary: 'Delete a client no host or live token uses', status: 204 }),
  getClients: describeRoute({ summary: 'The clients a user is limited to (null: all)' }),
  putClients: describeRoute({
    summary: 'Limit a user to some clients (null lifts the limit)',
    body: userClientsBody,
    example: { clients: null },
  }),
};

/** /api/v1/clients: the companies served. Everyone lists those in their scope; admins change them. */
export function clientRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/', doc.get, async (c) =>
    c.json({ clients: (await listClients(deps.db, requestScope(c))).map(clientView) }),
  );

  app.post('/', requireRole(), doc.post, async (c) => {
    const body = await parseJsonBody(c, createBody);
    const id = generateId('cli', deps.random);
    const input = {
      name: body.name,
      note: body.note ?? '',
      createdBy: c.var.user.userName,
      now: deps.clock(),
    };
    if (!(await insertClient(deps.db, id, input)))
      throw new ApiError('CONFLICT', `A client named ${JSON.stringify(body.name)} exists`);
    const row = await findClient(deps.db, id);
    return c.json({ client: row && clientView(row) }, 201);
  });

  app.get('/:id', doc.getOne, async (c) => {
    const row = await findClient(deps.db, c.req.param('id'));
    if (!row || !scopeAllows(requestScope(c), row.name)) throw new ApiError('NOT_FOUND', 'No such client');
    const sites = await listSites(deps.db, row.id);
    return c.json({ client: clientView(row), sites: sites.map(siteView) });
  });

  app.patch('/:id', requireRole(), doc.patchOne, async (c) => {
    const body = await parseJsonBody(c, patchBody);
    if (!(await updateClientNote(deps.db, c.req.param('id'), body.note)))
      throw new ApiError('NOT_FOUND', 'No such client');
    const row = await findClient(deps.db, c.req.param('id'));
    return c.json({ client: row && clientView(row) });
  });

  // A client still named by hosts or live tokens stays: its name is in their rows and incidents.
  app.delete('/:id', requireRole(), doc.deleteOne, async (c) => {
    const row = await findClient(deps.db, c.req.param('id'));
    if (!row) throw new ApiError('NOT_FOUND', 'No such client');
    const uses = await countClientUses(deps.db, row.name);
    if (uses.hosts > 0 || uses.tokens > 0)
      throw new ApiError(
        'CONFLICT',
        `Client in use by ${uses.hosts} host(s) and ${uses.tokens} live token(s)`,
      );
    await deps.db.transaction().execute((trx) => deleteClient(trx, row.id));
    deps.log.info({ clientId: row.id, name: row.name, by: c.var.user.userName }, 'client deleted');
    return c.body(null, 204);
  });

  return app;
}

/** /api/v1/users/:id/clients (admins): limit a technician to some clients, or lift the limit. */
export function userClientRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.use(requireRole());

  app.get('/:id/clients', doc.getClients, async (c) => {
    const found = await findUserClients(deps.db, c.req.param('id'));
    if (!found.found) throw new ApiError('NOT_FOUND', 'No such user');
    return c.json({ userId: c.req.param('id'), scoped: found.clientIds !== null, clients: found.clientIds });
  });

  app.put('/:id/clients', doc.putClients, async (c) => {
    const userId = c.req.param('id');
    const body = await parseJsonBody(c, userClientsBody);
    if (!(await findUserClients(deps.db, userId)).found) throw new ApiError('NOT_FOUND', 'No such user');
    for (const clientId of body.clients ?? []) {
      if (!(await findClient(deps.db, clientId)))
        throw new ApiError('VALIDATION_FAILED', `No client ${clientId}`);
    }
    await deps.db.transaction().execute((trx) => setUserClients(trx, userId, body.clients));
    deps.log.info({ userId, clients: body.clients, by: c.var.user.userName }, 'user client scope set');
    const found = await findUserClients(deps.db, userId);
    return c.json({ userId, scoped: body.clients !== null, clients: found.found ? found.clientIds : null });
  });

  return app;
}
