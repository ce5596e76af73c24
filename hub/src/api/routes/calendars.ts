import { calendarSchema } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { recomputeClocksInScopes } from '../../incidents/sla/recompute-clocks.js';
import {
  type CalendarInput,
  deleteCalendar,
  findCalendar,
  insertCalendar,
  listCalendars,
  updateCalendar,
} from '../../repositories/business-calendars.js';
import { generateId } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

const body = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** '' = the default for every client; with `site`, that site only. */
    client: z.string().max(256).default(''),
    site: z.string().max(256).default(''),
  })
  .and(calendarSchema)
  .refine((c) => c.site === '' || c.client !== '', {
    message: 'a site calendar needs its client',
    path: ['client'],
  });

const conflict = () =>
  new ApiError('CONFLICT', 'A calendar with this name, or for this client and site, already exists');

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Business-hours calendars (SLA clocks run inside them)' }),
  getOne: describeRoute({ summary: 'One calendar' }),
  post: describeRoute({ summary: 'Create a calendar', body: body, status: 201 }),
  putOne: describeRoute({ summary: 'Replace a calendar', body: body }),
  deleteOne: describeRoute({ summary: 'Delete a calendar', status: 204 }),
};

/** /api/v1/calendars: business hours for SLA clocks; anyone reads, admins write. */
export function calendarRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  const runtime = deps.incidents;
  /** The open incidents of these scopes run on whatever calendar applies now (same transaction). */
  const recompute = (
    trx: typeof deps.db,
    scopes: { client: string; site: string }[],
    what: string,
    name: string,
  ) => recomputeClocksInScopes(trx, runtime, scopes, deps.clock(), `business calendar "${name}" ${what}`);

  app.get('/', doc.get, async (c) => c.json({ calendars: await listCalendars(deps.db), fallback: '24×7' }));

  app.get('/:id', doc.getOne, async (c) => {
    const calendar = await findCalendar(deps.db, c.req.param('id'));
    if (!calendar) throw new ApiError('NOT_FOUND', 'No such calendar');
    return c.json(calendar);
  });

  app.post('/', requireRole(), doc.post, async (c) => {
    const input: CalendarInput = { ...(await parseJsonBody(c, body)), id: generateId('cal', deps.random) };
    const created = await deps.db.transaction().execute(async (trx) => {
      if (!(await insertCalendar(trx, input, deps.clock()))) return false;
      await recompute(trx, [input], 'created', input.name);
      return true;
    });
    if (!created) throw conflict();
    return c.json(await findCalendar(deps.db, input.id), 201);
  });

  // Open incidents of the old and the new scope move their due times in the same transaction.
  app.put('/:id', requireRole(), doc.putOne, async (c) => {
    const input: CalendarInput = { ...(await parseJsonBody(c, body)), id: c.req.param('id') };
    const outcome = await deps.db.transaction().execute(async (trx) => {
      const before = await findCalendar(trx, input.id);
      const result = await updateCalendar(trx, input, deps.clock());
      if (result === 'updated')
        await recompute(trx, before ? [before, input] : [input], 'changed', input.name);
      return result;
    });
    if (outcome === 'missing') throw new ApiError('NOT_FOUND', 'No such calendar');
    if (outcome === 'conflict') throw conflict();
    return c.json(await findCalendar(deps.db, input.id));
  });

  app.delete('/:id', requireRole(), doc.deleteOne, async (c) => {
    const deleted = await deps.db.transaction().execute(async (trx) => {
      const before = await findCalendar(trx, c.req.param('id'));
      if (!(await deleteCalendar(trx, c.req.param('id')))) return false;
      if (before) await recompute(trx, [before], 'deleted', before.name);
      return true;
    });
    if (!deleted) throw new ApiError('NOT_FOUND', 'No such calendar');
    return c.body(null, 204);
  });

  return app;
}
