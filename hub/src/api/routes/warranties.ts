import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import { scopeAllows } from '../../db/client-scope.js';
import { importWarranties } from '../../licences/warranty-import.js';
import { listWarranties } from '../../repositories/warranties.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Every host’s warranty' }),
  postImport: describeRoute({
    summary: 'Import warranties from CSV (text/csv; all or nothing)',
    description:
      'Header `serial,vendor,end_date[,purchase_date]`, ISO dates, at most 5000 lines; any bad line: 422 IMPORT_REJECTED with details.errors[].',
  }),
};

/** /api/v1/warranties: every host's warranty, and the CSV import. */
export function warrantyRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  app.get('/', doc.get, async (c) => {
    const scope = requestScope(c);
    const rows = (await listWarranties(deps.db)).filter((w) => scopeAllows(scope, w.client));
    return c.json({
      warranties: rows.map((w) => ({
        hostId: w.host_id,
        hostname: w.hostname,
        client: w.client,
        vendor: w.vendor,
        warrantyUntil: Number(w.warranty_until),
        purchasedAt: w.purchased_at === null ? null : Number(w.purchased_at),
        source: w.source,
      })),
    });
  });

  /**
   * `text/csv` with `serial,vendor,end_date[,purchase_date]`: each serial is matched against the
   * hardware serials of the fleet's current inventories. All or nothing: one bad line (unknown or
   * ambiguous serial, bad date, duplicate…) rejects the file with every line's error, and nothing
   * is written, so a file can be fixed and sent again as a whole.
   */
  app.post('/import', requireRole(), doc.postImport, async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^text\/csv\b/i.test(type)) throw new ApiError('BAD_REQUEST', 'send the file as text/csv');
    const result = await importWarranties(deps, await c.req.text(), c.var.user.userName);
    if (!result.ok)
      throw new ApiError('IMPORT_REJECTED', undefined, {
        errors: result.errors.slice(0, 500),
        count: result.errors.length,
      });
    const matched = result.imported;
    return c.json({
      imported: matched.length,
      warranties: matched.map(({ line, host }) => ({
        line: line.line,
        serial: line.serial,
        hostId: host.host_id,
        hostname: host.hostname,
        vendor: line.vendor,
        warrantyUntil: line.warrantyUntil,
        purchasedAt: line.purchasedAt,
      })),
    });
  });

  return app;
}
