import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import type { ClientScope } from '../../db/client-scope.js';
import { toCsv } from '../../inventory/csv.js';
import { compareVersions } from '../../inventory/version-compare.js';
import { hostsWithMemoryBelow } from '../../repositories/inventory-hardware.js';
import {
  countOsVersions,
  type FleetSoftwareRow,
  searchSoftware,
} from '../../repositories/inventory-software.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import type { AuthEnv } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseQuery } from '../validate.js';

/** Most rows one CSV export carries; beyond that, page with `offset`. */
const MAX_EXPORT_ROWS = 100_000;

const softwareQuery = z.object({
  name: z.string().min(1).max(256).optional(),
  contains: z.string().min(1).max(256).optional(),
  version: z.string().max(256).optional(),
  /** Only installations older than this version (dpkg ordering), e.g. to find unpatched hosts. */
  below: z.string().min(1).max(256).optional(),
  client: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EXPORT_ROWS).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});

const GIB = 1024 ** 3;
const hostsQuery = z.object({
  /** GiB, as memory is sold (8 → hosts with less than 8 GiB). */
  ramBelowGb: z.coerce.number().positive().max(1_000_000),
  client: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EXPORT_ROWS).default(1000),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function view(row: FleetSoftwareRow) {
  return {
    hostId: row.host_id,
    hostname: row.hostname,
    client: row.client,
    site: row.site,
    name: row.name,
    version: row.version,
    publisher: row.publisher,
    source: row.source,
    installedAt: row.installed_at === null ? null : Number(row.installed_at),
  };
}

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  getSoftware: describeRoute({
    summary: 'Which hosts have a package (name exact, contains, below a version)',
    query: softwareQuery,
    queryExample: { contains: 'firefox', below: '128.0' },
  }),
  getHosts: describeRoute({
    summary: 'Hosts with less memory than that many GiB',
    query: hostsQuery,
    queryExample: { ramBelowGb: '8' },
  }),
  getOs: describeRoute({ summary: 'OS versions in the fleet and how many hosts run each' }),
  getSoftwareCsv: describeRoute({
    summary: 'The software search as CSV (formula injection neutralised)',
    query: softwareQuery,
    queryExample: { name: 'openssl' },
    responseType: 'text/csv',
  }),
};

/**
 * /api/v1/inventory: fleet-wide software search and its CSV export, hosts below a memory size,
 * OS versions in the fleet.
 */
export function inventoryRoutes(deps: HubDeps) {
  const app = new Hono<AuthEnv>();

  const search = async (query: z.infer<typeof softwareQuery> & { scope: ClientScope }) => {
    if (query.name === undefined && query.contains === undefined && query.client === undefined)
      throw new ApiError('VALIDATION_FAILED', 'give `name`, `contains` or `client`');
    if (query.below === undefined) return searchSoftware(deps.db, query);
    // Versions do not sort as text: filter after the query, then page.
    const { below } = query;
    const rows = await searchSoftware(deps.db, { ...query, limit: MAX_EXPORT_ROWS, offset: 0 });
    return rows
      .filter((r) => compareVersions(r.version, below) < 0)
      .slice(query.offset, query.offset + query.limit);
  };

  // Which hosts have X (optionally at version Y, of one client).
  app.get('/software', doc.getSoftware, async (c) => {
    const query = { ...parseQuery(c, softwareQuery), scope: requestScope(c) };
    const rows = await search(query);
    const hosts = new Set(rows.map((r) => r.host_id)).size;
    return c.json({ hosts, count: rows.length, software: rows.map(view) });
  });

  // Which hosts have less than N GiB of memory (installed modules, else what the OS sees).
  app.get('/hosts', doc.getHosts, async (c) => {
    const query = parseQuery(c, hostsQuery);
    const rows = await hostsWithMemoryBelow(deps.db, {
      bytes: Math.round(query.ramBelowGb * GIB),
      client: query.client,
      limit: query.limit,
      scope: requestScope(c),
    });
    return c.json({
      count: rows.length,
      hosts: rows.map((r) => ({
        hostId: r.host_id,
        hostname: r.hostname,
        client: r.client,
        site: r.site,
        manufacturer: r.manufacturer,
        model: r.model,
        memoryBytes: Number(r.memory_bytes),
        memoryGb: Math.round((Number(r.memory_bytes) / GIB) * 10) / 10,
      })),
    });
  });

  // Which OS versions are in the fleet, and how many hosts of each.
  app.get('/os', doc.getOs, async (c) => {
    const rows = await countOsVersions(deps.db, c.req.query('client'), requestScope(c));
    return c.json({
      os: rows.map((r) => ({
        platform: r.os_platform,
        distro: r.os_distro,
        release: r.os_release,
        hosts: Number(r.hosts),
      })),
    });
  });

  app.get('/software.csv', doc.getSoftwareCsv, async (c) => {
    const query = { ...parseQuery(c, softwareQuery), scope: requestScope(c) };
    const rows = await search(query);
    const csv = toCsv(
      ['hostname', 'client', 'site', 'name', 'version', 'publisher', 'source', 'installed_at'],
      rows.map((r) => [
        r.hostname,
        r.client,
        r.site,
        r.name,
        r.version,
        r.publisher,
        r.source,
        iso(r.installed_at),
      ]),
    );
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="software.csv"',
    });
  });

  return app;
}
