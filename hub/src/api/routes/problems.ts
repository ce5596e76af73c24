import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { PROBLEM_STATES } from '../../db/tables/problems.js';
import { listArticles } from '../../repositories/kb-articles.js';
import { listProblems } from '../../repositories/problems.js';
import type { AuthEnv } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseQuery } from '../validate.js';

const problemsQuery = z.object({
  state: z.enum(PROBLEM_STATES).optional(),
  client: z.string().max(256).optional(),
});
const kbQuery = z.object({ check: z.string().max(64).optional() });

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({
    summary: 'Problems: one fault key recurring (3 incidents in 7 days)',
    query: problemsQuery,
    queryExample: { state: 'open' },
  }),
  get2: describeRoute({
    summary: 'N0 self-help articles, by check kind',
    query: kbQuery,
    queryExample: { check: 'disk.usage' },
  }),
};

/** /api/v1/problems: recurring faults for N2. */
export function problemRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.get('/', doc.get, async (c) =>
    c.json({ problems: await listProblems(deps.db, parseQuery(c, problemsQuery)) }),
  );
  return app;
}

/** /api/v1/kb-articles: N0 self-help articles, by check kind. */
export function kbArticleRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.get('/', doc.get2, async (c) =>
    c.json({ articles: await listArticles(deps.db, parseQuery(c, kbQuery).check) }),
  );
  return app;
}
