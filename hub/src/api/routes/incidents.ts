import { PRIORITIES, SUPPORT_LEVELS } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { scopeAllows } from '../../db/client-scope.js';
import { TECHNICIAN_ACTIONS, type TechnicianAction } from '../../incidents/engine/actions.js';
import { openByHand } from '../../incidents/open-by-hand.js';
import { incidentSlaView } from '../../incidents/sla/incident-sla-view.js';
import { applyTechnicianAction } from '../../incidents/technician-actions.js';
import { listCalendars } from '../../repositories/business-calendars.js';
import { listChildIds } from '../../repositories/incident-children.js';
import { listRuns } from '../../repositories/incident-escalations.js';
import { listIncidentEvents } from '../../repositories/incident-events.js';
import { findIncident, type IncidentRow, listChildren, listIncidents } from '../../repositories/incidents.js';
import { findArticle } from '../../repositories/kb-articles.js';
import { listSeries } from '../../repositories/samples.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody, parseQuery } from '../validate.js';

const listQuery = z.object({
  level: z.enum(SUPPORT_LEVELS).optional(),
  priority: z.coerce.number().int().min(1).max(6).optional(),
  /** `recovering`: open, the fault cleared, waiting out the quiet period before resolving. */
  state: z
    .enum(['new', 'acknowledged', 'in_progress', 'pending', 'resolved', 'closed', 'recovering'])
    .optional(),
  host: z.string().max(64).optional(),
  client: z.string().max(256).optional(),
  open: z.enum(['true', 'false']).optional(),
  /** Children are folded under their parent unless asked for (0026); `parent` lists one parent's. */
  include: z.enum(['children']).optional(),
  parent: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const manualBody = z.object({
  client: z.string().min(1).max(256),
  site: z.string().max(256).optional(),
  hostId: z.string().max(64).optional(),
  title: z.string().min(1).max(300),
  description: z.string().max(10_000).optional(),
  severity: z.enum(['warning', 'critical']).default('warning'),
  impact: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).optional(),
});

const actionBody = z.object({
  text: z.string().max(10_000).optional(),
  assignee: z.string().min(1).max(256).optional(),
});

/** An incident as the API shows it: the row, and when its fault was seen cleared (null while failing). */
function incidentJson(row: IncidentRow) {
  return { ...row, recoveredAt: row.recovered_at === null ? null : Number(row.recovered_at) };
}

/** Metrics shown around a fault: from this long before it opened until it ended (or now). */
const CONTEXT_BEFORE_MS = 30 * 60_000;

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({
    summary: 'The queue, by priority then age, each with its SLA clocks',
    query: listQuery,
    queryExample: { level: 'N1', open: 'true', limit: '50' },
  }),
  getOne: describeRoute({
    summary: 'One incident: timeline, metrics around the fault, children, N0 article, SLA, escalations',
  }),
  post: describeRoute({
    summary: 'Open a ticket by hand (a user phoned in)',
    body: manualBody,
    example: { client: 'acme', title: 'Printer on floor 2 jams', severity: 'warning', impact: 2 },
    status: 201,
  }),
  postOne: describeRoute({
    summary: 'Act on an incident',
    params: z.object({ action: z.enum(TECHNICIAN_ACTIONS) }),
    description: '`assign` needs `assignee`, `comment` needs `text`.',
    body: actionBody,
    example: { text: 'Disk replaced, watching it' },
  }),
};

/** /api/v1/incidents: the technicians' queues, one incident with its timeline, and actions. */
export function incidentRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  const runtime = deps.incidents;

  app.get('/', doc.get, async (c) => {
    const q = parseQuery(c, listQuery);
    const rows = await listIncidents(deps.db, {
      level: q.level,
      priority: q.priority,
      ...(q.state === 'recovering' ? { recovering: true } : { state: q.state }),
      hostId: q.host,
      client: q.client,
      open: q.open === undefined ? undefined : q.open === 'true',
      scope: requestScope(c),
      folded: q.include !== 'children' && q.parent === undefined,
      parentId: q.parent,
      limit: q.limit,
    });
    const calendars = await listCalendars(deps.db);
    const now = deps.clock();
    const childIds = await listChildIds(
      deps.db,
      rows.map((row) => row.id),
    );
    return c.json({
      incidents: rows.map((row) => ({
        ...incidentJson(row),
        children: { count: childIds.get(row.id)?.length ?? 0, ids: childIds.get(row.id) ?? [] },
        priorityLabel: PRIORITIES[row.priority],
        sla: incidentSlaView(row, calendars, now),
      })),
    });
  });

  app.get('/:id', doc.getOne, async (c) => {
    const incident = await findIncident(deps.db, c.req.param('id'), requestScope(c));
    if (!incident) throw new ApiError('NOT_FOUND', 'No such incident');
    const timeline = (await listIncidentEvents(deps.db, incident.id)).map((event) => ({
      ...event,
      detail: JSON.parse(event.detail) as unknown,
    }));
    const to = Number(incident.resolved_at ?? deps.clock());
    const metrics =
      incident.host_id === null
        ? []
        : await listSeries(deps.db, incident.host_id, {
            from: Number(incident.first_occurrence_at) - CONTEXT_BEFORE_MS,
            to,
            limit: 2000,
          });
    const article =
      incident.kb_article_id === null ? undefined : await findArticle(deps.db, incident.kb_article_id);
    const children = await listChildren(deps.db, incident.id);
    const sla = incidentSlaView(incident, await listCalendars(deps.db), deps.clock());
    const escalations = (await listRuns(deps.db, incident.id)).map(({ steps, ...run }) => ({
      ...run,
      steps: JSON.parse(steps) as unknown,
    }));
    return c.json({
      incident: incidentJson(incident),
      sla,
      escalations,
      timeline,
      metrics,
      children,
      kbArticle: article ?? null,
    });
  });

  app.post('/', requireRole('n1', 'n2', 'n3'), doc.post, async (c) => {
    const body = await parseJsonBody(c, manualBody);
    if (!scopeAllows(requestScope(c), body.client)) throw new ApiError('NOT_FOUND', 'No such client');
    const user = c.var.user.userName;
    const result = await deps.db
      .transaction()
      .execute((trx) => openByHand(trx, runtime, body, { user, now: deps.clock() }));
    if (!result.ok) throw new ApiError(result.code, result.message);
    return c.json({ incident: result.incident }, 201);
  });

  app.post('/:id/:action', requireRole('n1', 'n2', 'n3'), doc.postOne, async (c) => {
    const kind = c.req.param('action');
    if (!(TECHNICIAN_ACTIONS as readonly string[]).includes(kind)) {
      throw new ApiError('NOT_FOUND', `No incident action ${kind}`);
    }
    // Another client's incident does not exist for a client-scoped technician.
    if (!(await findIncident(deps.db, c.req.param('id'), requestScope(c))))
      throw new ApiError('NOT_FOUND', 'No such incident');
    const body = await parseJsonBody(c, actionBody);
    if (kind === 'assign' && body.assignee === undefined) {
      throw new ApiError('VALIDATION_FAILED', '`assignee` is required to assign');
    }
    if (kind === 'comment' && !body.text)
      throw new ApiError('VALIDATION_FAILED', '`text` is required to comment');
    const action = (
      kind === 'assign' ? { kind, assignee: body.assignee, text: body.text } : { kind, text: body.text }
    ) as TechnicianAction;
    const user = c.var.user.userName;
    const result = await deps.db
      .transaction()
      .execute((trx) =>
        applyTechnicianAction(trx, runtime, c.req.param('id'), action, { user, now: deps.clock() }),
      );
    if (!result.ok) throw new ApiError(result.code, result.message);
    return c.json({ incident: result.incident });
  });

  return app;
}
