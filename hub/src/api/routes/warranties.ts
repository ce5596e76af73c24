import { Hono } from 'hono';
import type { HubDeps } from '../../config/deps.js';
import { scopeAllows } from '../../db/client-scope.js';
import { evaluateWarrantiesNow } from '../../licences/evaluate-now.js';
import { type LineError, parseWarrantyCsv } from '../../licences/warranty-csv.js';
import { findHostsBySerials } from '../../repositories/inventory-hardware.js';
import { listWarranties, setWarranty } from '../../repositories/warranties.js';
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
    const { lines, errors } = parseWarrantyCsv(await c.req.text());
    const hosts = await findHostsBySerials(
      deps.db,
      lines.map((l) => l.serial),
    );
    const bySerial = new Map<string, { host_id: string; hostname: string }[]>();
    for (const host of hosts) bySerial.set(host.serial, [...(bySerial.get(host.serial) ?? []), host]);
    const matched: { line: (typeof lines)[number]; host: { host_id: string; hostname: string } }[] = [];
    const all: LineError[] = [...errors];
    for (const line of lines) {
      const candidates = bySerial.get(line.serial) ?? [];
      const [host] = candidates;
      if (candidates.length > 1 || !host)
        all.push({
          line: line.line,
          code: host ? 'AMBIGUOUS_SERIAL' : 'UNKNOWN_SERIAL',
          message: host ? `${candidates.length} hosts report this serial` : 'no host reports this serial',
        });
      else matched.push({ line, host });
    }
    if (all.length > 0) {
      all.sort((a, b) => a.line - b.line);
      throw new ApiError('IMPORT_REJECTED', undefined, { errors: all.slice(0, 500), count: all.length });
    }
    const now = deps.clock();
    await deps.db.transaction().execute(async (trx) => {
      for (const { line, host } of matched)
        await setWarranty(
          trx,
          host.host_id,
          {
            warrantyUntil: line.warrantyUntil,
            purchasedAt: line.purchasedAt,
            vendor: line.vendor,
            source: 'csv',
          },
          now,
        );
    });
    deps.log.info({ by: c.var.user.userName, imported: matched.length }, 'warranties imported');
    await evaluateWarrantiesNow(
      deps.db,
      deps.incidents,
      matched.map(({ host }) => host.host_id),
      deps.clock(),
    );
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
