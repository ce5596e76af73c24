import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { scopeAllows } from '../../db/client-scope.js';
import { generateId } from '../../security/secrets.js';
import {
  countClientUses,
  deleteSite,
  findClient,
  findSite,
  insertSite,
  listClients,
  listSites,
  updateSiteNote,
} from '../../tenancy/clients.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody, parseQuery } from '../validate.js';
import { entityName, note, siteView } from './clients.js';

const createBody = z.strictObject({
  clientId: z.string().min(1).max(64),
  name: entityName,
  note: note.optional(),
});
const patchBody = z.strictObject({ note });
const listQuery = z.object({ client: z.string().min(1).max(64).optional() });

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({
    summary: 'Sites in the caller’s scope',
    query: listQuery,
    queryExample: { client: 'cli_0123' },
  }),
  post: describeRoute({ summary: 'Create a site of a client', body: createBody, status: 201 }),
  getOne: describeRoute({ summary: 'One site' }),
  patchOne: describeRoute({
    summary: 'Change a site’s note',
    body: patchBody,
    example: { note: 'Second floor' },
  }),
  deleteOne: describeRoute({ summary: 'Delete a site nothing uses', status: 204 }),
};

/** /api/v1/sites: the sites of the clients in the caller's scope; admins change them. */
export function siteRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  /** The site and its client, if the caller may see them. */
  const visible = async (scope: ReturnType<typeof requestScope>, id: string) => {
    const site = await findSite(deps.db, id);
    const client = site && (await findClient(deps.db, site.client_id));
    if (!site || !client || !scopeAllows(scope, client.name)) throw new ApiError('NOT_FOUND', 'No such site');
    return { site, client };
  };

  app.get('/', doc.get, async (c) => {
    const query = parseQuery(c, listQuery);
    const clients = new Set((await listClients(deps.db, requestScope(c))).map((row) => row.id));
    const sites = (await listSites(deps.db, query.client)).filter((site) => clients.has(site.client_id));
    return c.json({ sites: sites.map(siteView) });
  });

  app.post('/', requireRole(), doc.post, async (c) => {
    const body = await parseJsonBody(c, createBody);
    if (!(await findClient(deps.db, body.clientId))) throw new ApiError('NOT_FOUND', 'No such client');
    const id = generateId('sit', deps.random);
    const input = {
      name: body.name,
      note: body.note ?? '',
      createdBy: c.var.user.userName,
      now: deps.clock(),
    };
    if (!(await insertSite(deps.db, id, body.clientId, input)))
      throw new ApiError('CONFLICT', `The client has a site named ${JSON.stringify(body.name)}`);
    const row = await findSite(deps.db, id);
    return c.json({ site: row && siteView(row) }, 201);
  });

  app.get('/:id', doc.getOne, async (c) => {
    const { site, client } = await visible(requestScope(c), c.req.param('id'));
    return c.json({ site: siteView(site), client: { id: client.id, name: client.name } });
  });

  app.patch('/:id', requireRole(), doc.patchOne, async (c) => {
    const body = await parseJsonBody(c, patchBody);
    if (!(await updateSiteNote(deps.db, c.req.param('id'), body.note)))
      throw new ApiError('NOT_FOUND', 'No such site');
    const row = await findSite(deps.db, c.req.param('id'));
    return c.json({ site: row && siteView(row) });
  });

  app.delete('/:id', requireRole(), doc.deleteOne, async (c) => {
    const { site, client } = await visible(requestScope(c), c.req.param('id'));
    const uses = await countClientUses(deps.db, client.name, site.name);
    if (uses.hosts > 0 || uses.tokens > 0)
      throw new ApiError('CONFLICT', `Site in use by ${uses.hosts} host(s) and ${uses.tokens} live token(s)`);
    await deleteSite(deps.db, site.id);
    deps.log.info({ siteId: site.id, name: site.name, by: c.var.user.userName }, 'site deleted');
    return c.body(null, 204);
  });

  return app;
}
