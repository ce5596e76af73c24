import { dayOf, SUPPORT_LEVELS, timeZoneSchema, weeklyHoursSchema } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { findOnCall } from '../../incidents/oncall/find-on-call.js';
import {
  deleteOverride,
  deleteSchedule,
  existingUserIds,
  findSchedule,
  insertOverride,
  insertSchedule,
  listSchedules,
  rotationSchema,
  type ScheduleInput,
  setUserEmail,
  updateSchedule,
} from '../../repositories/oncall.js';
import { generateId } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { parseJsonBody, parseQuery } from '../validate.js';

const scheduleBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  level: z.enum(SUPPORT_LEVELS),
  client: z.string().max(256).default(''),
  timezone: timeZoneSchema,
  rotation: rotationSchema.refine((r) => dayOf(r.startsOn) !== undefined, {
    message: 'not a date',
    path: ['startsOn'],
  }),
  /** Omitted or null: around the clock. */
  hours: z.array(weeklyHoursSchema).min(1).max(50).nullable().default(null),
  enabled: z.boolean().default(true),
});
const overrideBody = z
  .strictObject({
    userId: z.string().min(1).max(64),
    startsAt: z.number().int().min(0),
    endsAt: z.number().int().min(0),
    reason: z.string().max(500).default(''),
  })
  .refine((o) => o.endsAt > o.startsAt, { message: 'must end after it starts', path: ['endsAt'] });
const nowQuery = z.object({
  level: z.enum(SUPPORT_LEVELS).optional(),
  client: z.string().max(256).default(''),
  at: z.coerce.number().int().min(0).optional(),
});
const contactBody = z.strictObject({ email: z.email().max(320).nullable() });

const invalid = (path: string, message: string) =>
  new ApiError('VALIDATION_FAILED', message, [{ path, message }]);

/** /api/v1/oncall: schedules with their overrides, who is on duty now, users' e-mails. */
export function oncallRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  const checked = async (input: z.infer<typeof scheduleBody>, id: string): Promise<ScheduleInput> => {
    const known = await existingUserIds(deps.db, input.rotation.members);
    const unknown = input.rotation.members.find((m) => !known.has(m));
    if (unknown !== undefined) throw invalid('rotation.members', `No user ${unknown}`);
    return { ...input, id };
  };

  app.get('/now', async (c) => {
    const q = parseQuery(c, nowQuery);
    const at = q.at ?? deps.clock();
    const levels = q.level === undefined ? SUPPORT_LEVELS : [q.level];
    const onCall = await Promise.all(
      levels.map(async (level) => ({ level, person: await findOnCall(deps.db, level, q.client, at) })),
    );
    return c.json({ at, client: q.client, onCall });
  });

  app.get('/schedules', async (c) => c.json({ schedules: await listSchedules(deps.db) }));

  app.get('/schedules/:id', async (c) => {
    const schedule = await findSchedule(deps.db, c.req.param('id'));
    if (!schedule) throw new ApiError('NOT_FOUND', 'No such on-call schedule');
    return c.json(schedule);
  });

  app.post('/schedules', requireRole(), async (c) => {
    const input = await checked(await parseJsonBody(c, scheduleBody), generateId('onc', deps.random));
    if (!(await insertSchedule(deps.db, input, deps.clock())))
      throw new ApiError('CONFLICT', 'A schedule with this name already exists');
    return c.json(await findSchedule(deps.db, input.id), 201);
  });

  app.put('/schedules/:id', requireRole(), async (c) => {
    const input = await checked(await parseJsonBody(c, scheduleBody), c.req.param('id'));
    const outcome = await updateSchedule(deps.db, input, deps.clock());
    if (outcome === 'missing') throw new ApiError('NOT_FOUND', 'No such on-call schedule');
    if (outcome === 'conflict') throw new ApiError('CONFLICT', 'A schedule with this name already exists');
    return c.json(await findSchedule(deps.db, input.id));
  });

  app.delete('/schedules/:id', requireRole(), async (c) => {
    if (!(await deleteSchedule(deps.db, c.req.param('id'))))
      throw new ApiError('NOT_FOUND', 'No such on-call schedule');
    return c.body(null, 204);
  });

  app.post('/schedules/:id/overrides', requireRole(), async (c) => {
    const o = await parseJsonBody(c, overrideBody);
    const schedule = await findSchedule(deps.db, c.req.param('id'));
    if (!schedule) throw new ApiError('NOT_FOUND', 'No such on-call schedule');
    if (!(await existingUserIds(deps.db, [o.userId])).has(o.userId))
      throw invalid('userId', `No user ${o.userId}`);
    const id = generateId('ovr', deps.random);
    await insertOverride(
      deps.db,
      {
        id,
        schedule_id: schedule.id,
        user_id: o.userId,
        starts_at: o.startsAt,
        ends_at: o.endsAt,
        reason: o.reason,
        created_by: c.var.user.userName,
      },
      deps.clock(),
    );
    return c.json({ id, scheduleId: schedule.id, ...o }, 201);
  });

  app.delete('/schedules/:id/overrides/:overrideId', requireRole(), async (c) => {
    if (!(await deleteOverride(deps.db, c.req.param('id'), c.req.param('overrideId'))))
      throw new ApiError('NOT_FOUND', 'No such override');
    return c.body(null, 204);
  });

  // Users carry no contact details; the e-mail on-call notices may be sent to lives here.
  app.put('/contacts/:userId', requireRole(), async (c) => {
    const { email } = await parseJsonBody(c, contactBody);
    if (!(await setUserEmail(deps.db, c.req.param('userId'), email, deps.clock())))
      throw new ApiError('NOT_FOUND', 'No such user');
    return c.json({ userId: c.req.param('userId'), email });
  });

  return app;
}
