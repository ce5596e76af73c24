import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { calendarSchema } from '../../incidents/sla/schemas.js';
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

/** /api/v1/calendars: business hours for SLA clocks; anyone reads, admins write. */
export function calendarRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/', async (c) => c.json({ calendars: await listCalendars(deps.db), fallback: '24×7' }));

  app.get('/:id', async (c) => {
    const calendar = await findCalendar(deps.db, c.req.param('id'));
    if (!calendar) throw new ApiError('NOT_FOUND', 'No such calendar');
    return c.json(calendar);
  });

  app.post('/', requireRole(), async (c) => {
    const input: CalendarInput = { ...(await parseJsonBody(c, body)), id: generateId('cal', deps.random) };
    if (!(await insertCalendar(deps.db, input, deps.clock()))) throw conflict();
    return c.json(await findCalendar(deps.db, input.id), 201);
  });

  // Incidents already open keep their due times; new ones and resumed clocks use the new hours.
  app.put('/:id', requireRole(), async (c) => {
    const input: CalendarInput = { ...(await parseJsonBody(c, body)), id: c.req.param('id') };
    const outcome = await updateCalendar(deps.db, input, deps.clock());
    if (outcome === 'missing') throw new ApiError('NOT_FOUND', 'No such calendar');
    if (outcome === 'conflict') throw conflict();
    return c.json(await findCalendar(deps.db, input.id));
  });

  app.delete('/:id', requireRole(), async (c) => {
    if (!(await deleteCalendar(deps.db, c.req.param('id'))))
      throw new ApiError('NOT_FOUND', 'No such calendar');
    return c.body(null, 204);
  });

  return app;
}
