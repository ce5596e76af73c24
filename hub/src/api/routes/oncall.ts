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
import { describeRoute } from '../openapi/describe.js';
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

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  getNow: describeRoute({
    summary: 'Who is on duty (now, or at `at`)',
    query: nowQuery,
    queryExample: { level: 'N1' },
  }),
  getSchedules: describeRoute({ summary: 'On-call schedules' }),
  getSchedulesOne: describeRoute({ summary: 'One schedule with its overrides' }),
  postSchedules: describeRoute({ summary: 'Create an on-call schedule', body: scheduleBody, status: 201 }),
  putSchedulesOne: describeRoute({ summary: 'Replace an on-call schedule', body: scheduleBody }),
  deleteSchedulesOne: describeRoute({ summary: 'Delete a schedule', status: 204 }),
  postOverrides: describeRoute({
    summary: 'Put someone else on duty for a while',
    body: overrideBody,
    example: { userId: 'usr_x', startsAt: 1764000000000, endsAt: 1764086400000, reason: 'Swap' },
    status: 201,
  }),
  deleteOverridesOne: describeRoute({ summary: 'Remove an override', status: 204 }),
  putContactsOne: describeRoute({
    summary: 'Set a user’s on-call e-mail (null clears it)',
    body: contactBody,
    example: { email: 'marie@example.org' },
  }),
};

/** /api/v1/oncall: schedules with their overrides, who is on duty now, users' e-mails. */
export function oncallRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  const checked = async (input: z.infer<typeof scheduleBody>, id: string): Promise<ScheduleInput> => {
    const known = await existingUserIds(deps.db, input.rotation.members);
    const unknown = input.rotation.members.find((m) => !known.has(m));
    if (unknown !== undefined) throw invalid('rotation.members', `No user ${unknown}`);
    return { ...input, id };
  };

  app.get('/now', doc.getNow, async (c) => {
    const q = parseQuery(c, nowQuery);
    const at = q.at ?? deps.clock();
    const levels = q.level === undefined ? SUPPORT_LEVELS : [q.level];
    const onCall = await Promise.all(
      levels.map(async (level) => ({ level, person: await findOnCall(deps.db, level, q.client, at) })),
    );
    return c.json({ at, client: q.client, onCall });
  });

  app.get('/schedules', doc.getSchedules, async (c) => c.json({ schedules: await listSchedules(deps.db) }));

  app.get('/schedules/:id', doc.getSchedulesOne, async (c) => {
    const schedule = await findSchedule(deps.db, c.req.param('id'));
    if (!schedule) throw new ApiError('NOT_FOUND', 'No such on-call schedule');
    return c.json(schedule);
  });

  app.post('/schedules', requireRole(), doc.postSchedules, async (c) => {
    const input = await checked(await parseJsonBody(c, scheduleBody), generateId('onc', deps.random));
    if (!(await insertSchedule(deps.db, input, deps.clock())))
      throw new ApiError('CONFLICT', 'A schedule with this name already exists');
    return c.json(await findSchedule(deps.db, input.id), 201);
  });

  app.put('/schedules/:id', requireRole(), doc.putSchedulesOne, async (c) => {
    const input = await checked(await parseJsonBody(c, scheduleBody), c.req.param('id'));
    const outcome = await updateSchedule(deps.db, input, deps.clock());
    if (outcome === 'missing') throw new ApiError('NOT_FOUND', 'No such on-call schedule');
    if (outcome === 'conflict') throw new ApiError('CONFLICT', 'A schedule with this name already exists');
    return c.json(await findSchedule(deps.db, input.id));
  });

  app.delete('/schedules/:id', requireRole(), doc.deleteSchedulesOne, async (c) => {
    if (!(await deleteSchedule(deps.db, c.req.param('id'))))
      throw new ApiError('NOT_FOUND', 'No such on-call schedule');
    return c.body(null, 204);
  });

  app.post('/schedules/:id/overrides', requireRole(), doc.postOverrides, async (c) => {
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

  app.delete('/schedules/:id/overrides/:overrideId', requireRole(), doc.deleteOverridesOne, async (c) => {
    if (!(await deleteOverride(deps.db, c.req.param('id'), c.req.param('overrideId'))))
      throw new ApiError('NOT_FOUND', 'No such override');
    return c.body(null, 204);
  });

  // Users carry no contact details; the e-mail on-call notices may be sent to lives here.
  app.put('/contacts/:userId', requireRole(), doc.putContactsOne, async (c) => {
    const { email } = await parseJsonBody(c, contactBody);
    if (!(await setUserEmail(deps.db, c.req.param('userId'), email, deps.clock())))
      throw new ApiError('NOT_FOUND', 'No such user');
    return c.json({ userId: c.req.param('userId'), email });
  });

  return app;
}
