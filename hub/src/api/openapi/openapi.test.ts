import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { createUserWithToken } from '../../access/create-user.js';
import { TECHNICIAN_ACTIONS } from '../../incidents/engine/actions.js';
import { createTestDeps, enrolTestAgent, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';
import { jsonSchemaOf, type OpenApiDocument, type Operation, openApiPath } from './document.js';

// Record the schema each handler really parsed with, so the test can compare it with the document.
const parsed = vi.hoisted(() => [] as { kind: 'body' | 'query'; schema: unknown }[]);
vi.mock('../validate.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../validate.js')>();
  return {
    ...real,
    parseJsonBody: (c: Parameters<typeof real.parseJsonBody>[0], schema: z.ZodType) => {
      parsed.push({ kind: 'body', schema });
      return real.parseJsonBody(c, schema);
    },
    parseQuery: (c: Parameters<typeof real.parseQuery>[0], schema: z.ZodType) => {
      parsed.push({ kind: 'query', schema });
      return real.parseQuery(c, schema);
    },
  };
});

let app: ReturnType<typeof createApp>;
let doc: OpenApiDocument;
let adminToken: string;
let hostId: string;
let filled: Record<string, string> = {};
let realBodies: Record<string, unknown> = {};
const ajv = new Ajv2020({ strict: false, allErrors: true });
const ajvQuery = new Ajv2020({ strict: false, coerceTypes: true });
addFormats.default(ajv);
addFormats.default(ajvQuery);

beforeAll(async () => {
  const deps = await createTestDeps(() => 1_764_000_000_000);
  // A stand-in for the server's agent socket, so its route is in the app as in production.
  const socket = new Hono().get('/', (c) => c.text('upgrade required', 426));
  app = createApp(testHubServices(deps), socket, { enrolPerMinute: 100_000 });
  const admin = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  if (!admin.ok) throw new Error('admin');
  adminToken = admin.token;
  // An agent on acme/paris, so the examples that need a site with an agent (devices) are accepted.
  hostId = (await enrolTestAgent(deps)).hostId;
  // Real resources for the routes that look their id up before reading the body.
  const created = async (path: string, body: unknown) => {
    const res = await send('POST', path, body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.code}`);
    return res.json as { id?: string; incident?: { id: string } };
  };
  const device = await created('/api/v1/devices', { hostname: 'nas-paris', client: 'acme', site: 'paris' });
  const token = await created('/api/v1/enrolment-tokens', { client: 'acme', site: 'paris' });
  const incident = await created('/api/v1/incidents', { client: 'acme', title: 'Phone call' });
  // This route checks the clear token against the id: the document's example cannot be that token.
  const enrolToken = await created('/api/v1/enrolment-tokens', { client: 'acme', site: 'paris' });
  realBodies = {
    '/api/v1/enrol': { ...ENROL_BODY, token: (enrolToken as { token: string }).token },
    '/api/v1/enrolment-tokens/{id}/install-commands': { token: (token as { token: string }).token },
  };
  filled = {
    '/api/v1/policies/roles/{target}': '/api/v1/policies/roles/server',
    '/api/v1/enrolment-tokens/{id}/install-commands': `/api/v1/enrolment-tokens/${token.id}/install-commands`,
    '/api/v1/incidents/{id}/{action}': `/api/v1/incidents/${incident.incident?.id}/comment`,
    '/api/v1/devices/{id}': `/api/v1/devices/${device.id}`,
    '/api/v1/devices/{id}/behind': `/api/v1/devices/${device.id}/behind`,
  };
  const res = await app.request('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenApiDocument;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );

/** What an agent sends to enrol, but for the token. */
const ENROL_BODY = {
  fingerprint: 'abcdefabcdefabcdefabcdef',
  hostname: 'pc-accueil-07',
  os: { platform: 'linux', distro: 'Debian 12', release: '12', kernel: '6.1.0', arch: 'x64' },
};

/** A documented path with its parameters filled: a real resource where one was made, else an id nothing has. */
const concrete = (path: string) =>
  filled[path] ??
  path.replace(/^\/api\/v1\/hosts\/\{id\}/, `/api/v1/hosts/${hostId}`).replace(/\{[^}]+\}/g, 'no-such-id');

async function send(method: string, path: string, body?: unknown, query: Record<string, string> = {}) {
  parsed.length = 0;
  const qs = new URLSearchParams(query).toString();
  const res = await app.request(`${path}${qs ? `?${qs}` : ''}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => undefined)) as
    | { error?: { code: string; details?: unknown } }
    | undefined;
  const code = json?.error && `${json.error.code} ${JSON.stringify(json.error.details ?? '')}`;
  return { status: res.status, code, used: [...parsed], json };
}

const rejectedAsInvalid = (r: { status: number; code?: string }) =>
  r.status === 400 && /^(VALIDATION_FAILED|BAD_REQUEST)\b/.test(r.code ?? '');

describe('the document lists exactly the routes the app serves', () => {
  it('has every /api/v1 route with its method and path, and nothing else', () => {
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}')}`);
    const documented = operations().map(({ method, path }) => `${method} ${path}`);
    expect(new Set(documented)).toEqual(new Set(served));
    expect(documented.length).toBeGreaterThan(100);
  });

  it('has a describeRoute() on every route (new routes need one)', () => {
    const undescribed = operations()
      .filter(({ op }) => op['x-undescribed'])
      .map(({ method, path }) => `${method} ${path}`);
    expect(undescribed).toEqual([]);
  });

  it('documents a closed set of path values as an enum the route holds to', async () => {
    const op = doc.paths['/api/v1/incidents/{id}/{action}']?.post;
    const action = op?.parameters?.find((p) => p.name === 'action');
    expect(action?.schema).toEqual({ type: 'string', enum: [...TECHNICIAN_ACTIONS] });
    // A real incident, so the 404 is for the action.
    const res = await send(
      'POST',
      concrete('/api/v1/incidents/{id}/{action}').replace(/comment$/, 'explode'),
      {},
    );
    expect([res.status, res.code]).toEqual([404, 'NOT_FOUND ""']);
    expect((await send('POST', concrete('/api/v1/incidents/{id}/{action}'), { text: 'ok' })).status).toBe(
      200,
    );
  });

  it('turns hono paths into OpenAPI templates', () => {
    expect(openApiPath('/api/v1/incidents/:id/:action')).toEqual({
      path: '/api/v1/incidents/{id}/{action}',
      params: ['id', 'action'],
    });
    expect(openApiPath('/x/:n{[0-9]+}').path).toBe('/x/{n}');
  });

  it('secures every route behind the bearer middleware and leaves enrolment and the docs public', () => {
    const op = (method: string, path: string) => doc.paths[path]?.[method] as Operation;
    expect(op('post', '/api/v1/enrol').security).toBeUndefined();
    expect(op('get', '/api/v1/openapi.json').security).toBeUndefined();
    expect(op('get', '/api/v1/incidents').security).toEqual([{ bearerToken: [] }, { consoleSession: [] }]);
    expect(op('post', '/api/v1/incidents').security).toEqual([{ bearerToken: [] }]);
    expect(op('post', '/api/v1/incidents').responses['403']).toBeDefined();
    expect(op('get', '/api/v1/incidents').responses['403']).toBeUndefined();
    expect(op('get', '/api/v1/audit').description).toContain('Roles: admin');
  });
});

// Compiling a hundred JSON schemas takes seconds on a busy machine.
describe('the document is valid OpenAPI 3.1', { timeout: 60_000 }, () => {
  it('passes the OpenAPI schema validator', async () => {
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

// Compiling a hundred JSON schemas takes seconds on a busy machine.
describe('examples validate against their schemas', { timeout: 60_000 }, () => {
  it('holds for every request body, query parameter and the error shape', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, path, op } of operations()) {
      const media = op.requestBody?.content['application/json'];
      if (media?.example !== undefined) {
        checked++;
        if (!ajv.validate(media.schema, media.example))
          failures.push(`${method} ${path} body: ${ajv.errorsText(ajv.errors)}`);
      }
      for (const p of op.parameters ?? []) {
        if (p.example === undefined) continue;
        checked++;
        if (!ajvQuery.validate(p.schema, p.example))
          failures.push(`${method} ${path} ?${p.name}=${p.example}`);
      }
    }
    const error = doc.components.schemas?.Error as { example: unknown };
    expect(ajv.validate(error, error.example)).toBe(true);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });
});

/** Bodies the document's schema rejects: not an object, each field of the wrong type, each required field missing. */
function invalidBodies(schema: Record<string, unknown>, example: unknown): unknown[] {
  const base = (typeof example === 'object' && example !== null ? example : {}) as Record<string, unknown>;
  const properties = Object.keys((schema.properties as object | undefined) ?? {});
  const required = (schema.required as string[] | undefined) ?? [];
  const candidates: unknown[] = [
    [],
    ...properties.map((name) => ({ ...base, [name]: { unexpected: [true] } })),
    ...required.map((name) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== name))),
  ];
  return candidates.filter((body) => !ajv.validate(schema, body));
}

/** For a query parameter, a value its schema rejects (or undefined when every candidate passes). */
function invalidValue(schema: Record<string, unknown>): string | undefined {
  return ['not-valid', '-1', '1.5', 'x'.repeat(5000), ''].find((value) => !ajvQuery.validate(schema, value));
}

// Compiling a hundred JSON schemas takes seconds on a busy machine.
describe('the documented schemas are the ones the routes validate with', { timeout: 60_000 }, () => {
  it('bodies: the handler parses with the documented schema; its example passes, what the schema rejects is a 400', async () => {
    const unreached: string[] = [];
    let verified = 0;
    const answers: string[] = [];
    for (const { method, path, op } of operations()) {
      const media = op.requestBody?.content['application/json'];
      if (!media) continue;
      const url = concrete(path);
      const first = await send(method, url, realBodies[path] ?? media.example ?? {});
      const used = first.used.find((u) => u.kind === 'body');
      if (!used) {
        // The route answered before reading its body (an unknown id): nothing to compare.
        unreached.push(`${method} ${path} → ${first.status}`);
        continue;
      }
      verified++;
      expect(jsonSchemaOf(used.schema as z.ZodType, 'input'), `${method} ${path}`).toEqual(media.schema);
      // Where the success body has a schema, what the route answered matches it.
      const success = op.responses[String(first.status)] as
        | { content?: Record<string, { schema: object }> }
        | undefined;
      const answered = success?.content?.['application/json']?.schema;
      if (answered && first.status < 300) {
        answers.push(`${method} ${path}`);
        expect(ajv.validate(answered, first.json), `${method} ${path} answer`).toBe(true);
      }
      if (media.example !== undefined)
        expect(rejectedAsInvalid(first), `${method} ${path} example → ${first.status} ${first.code}`).toBe(
          false,
        );
      for (const body of invalidBodies(media.schema, media.example)) {
        const res = await send(method, url, body);
        expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      }
    }
    // Routes without a path parameter always reach their validation; of those with one, only the
    // probe (no probe is made here) looks its id up first.
    expect(unreached).toEqual(['PATCH /api/v1/probes/{id} → 404']);
    expect(verified).toBeGreaterThan(30);
    expect(answers).toContain('POST /api/v1/enrol');
    expect(answers.length).toBeGreaterThan(10);
  });

  it('queries: the handler parses with the documented parameters; examples pass, rejected values are a 400', async () => {
    const unreached: string[] = [];
    let verified = 0;
    for (const { method, path, op } of operations()) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'query');
      if (params.length === 0) continue;
      const url = concrete(path);
      const example = Object.fromEntries(
        params.flatMap((p) => (p.example === undefined ? [] : [[p.name, p.example]])),
      );
      const first = await send(method, url, undefined, example);
      const used = first.used.find((u) => u.kind === 'query');
      if (!used) {
        unreached.push(`${method} ${path} → ${first.status}`);
        continue;
      }
      verified++;
      const real = jsonSchemaOf(used.schema as z.ZodType, 'input') as { properties: object };
      expect(real.properties, `${method} ${path}`).toEqual(
        Object.fromEntries(params.map((p) => [p.name, p.schema])),
      );
      expect(rejectedAsInvalid(first), `${method} ${path} ${JSON.stringify(example)} → ${first.code}`).toBe(
        false,
      );
      for (const p of params) {
        const bad = invalidValue(p.schema);
        if (bad === undefined) continue;
        const res = await send(method, url, undefined, { ...example, [p.name]: bad });
        expect(res.status, `${method} ${path} ?${p.name}=${bad.slice(0, 20)}`).toBe(400);
      }
    }
    expect(unreached.filter((u) => !u.includes('{'))).toEqual([]);
    expect(verified).toBeGreaterThan(10);
  });
});

describe('GET /api/v1/docs', () => {
  it('serves the reference page with every operation, under the strict CSP, with only its own assets', async () => {
    const res = await app.request('/api/v1/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    for (const { op } of operations()) expect(page).toContain(`id="${op.operationId}"`);
    expect(page).not.toMatch(/<script|style=|<style/i);
    const links = [...page.matchAll(/(?:href|src)="([^"#][^"]*)"/g)].map((m) => m[1] ?? '');
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link, 'no external URL').not.toMatch(/^(?:[a-z]+:)?\/\//i);
      const asset = await app.request(new URL(link, 'http://hub/api/v1/docs').pathname);
      expect(asset.status, link).toBe(200);
    }
    const css = await app.request('/api/v1/docs/docs.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('serves the document without a token', async () => {
    const res = await app.request('/api/v1/openapi.json');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(((await res.json()) as OpenApiDocument).openapi).toBe('3.1.0');
  });
});
