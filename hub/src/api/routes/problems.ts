import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { PROBLEM_STATES } from '../../db/tables/problems.js';
import { listArticles } from '../../repositories/kb-articles.js';
import { listProblems } from '../../repositories/problems.js';
import type { AuthEnv } from '../middleware/bearer-auth.js';
import { parseQuery } from '../validate.js';

const problemsQuery = z.object({
  state: z.enum(PROBLEM_STATES).optional(),
  client: z.string().max(256).optional(),
});
const kbQuery = z.object({ check: z.string().max(64).optional() });

/** /api/v1/problems: recurring faults for N2. */
export function problemRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.get('/', async (c) => c.json({ problems: await listProblems(deps.db, parseQuery(c, problemsQuery)) }));
  return app;
}

/** /api/v1/kb-articles: N0 self-help articles, by check kind. */
export function kbArticleRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();
  app.get('/', async (c) => c.json({ articles: await listArticles(deps.db, parseQuery(c, kbQuery).check) }));
  return app;
}
