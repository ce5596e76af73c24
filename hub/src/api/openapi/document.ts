import { ERROR_CODES } from '@vigie/shared';
import { z } from 'zod';
import { isAuthentication, type RouteDoc, rolesOf, routeDocOf } from './describe.js';

/** The part of the document the tests and the docs page read; the rest is plain JSON. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
  tags: { name: string }[];
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { required: true; content: { 'application/json': MediaType } };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
  /** Set when no `describe()` sits on the route: the completeness test lists such routes. */
  'x-undescribed'?: true;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
  example?: string;
}

type JsonSchema = Record<string, unknown>;
interface MediaType {
  schema: JsonSchema;
  example?: unknown;
}

type RouteEntry = { method: string; path: string; handler: unknown };
/** What the builder needs of a Hono app: the routes it registered, in order. */
export type RoutedApp = { readonly routes: readonly RouteEntry[] };

export const API_PREFIX = '/api/v1';
const BEARER = 'bearerToken';
const SESSION = 'consoleSession';

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, as sent (`input`) or as answered. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

/** Hono's `/hosts/:id` (optionally `:id{regex}`) as OpenAPI's `/hosts/{id}`, with the names. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

/** Does a middleware registered at `pattern` (hono syntax, `*` wildcard) run for `path`? */
function covers(pattern: string, path: string): boolean {
  if (pattern === path) return true;
  const source = pattern
    .split('/')
    .map((segment) => (segment === '*' ? '.*' : segment.startsWith(':') ? '[^/]+' : segment))
    .join('/')
    .replace(/\/\.\*$/, '(?:/.*)?');
  return new RegExp(`^${source}$`).test(path);
}

function errorResponse(codes: string[]) {
  return {
    description: `Error: ${codes.join(', ')}`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

function operationId(method: string, path: string): string {
  const words = path
    .slice(API_PREFIX.length)
    .split(/[/-]/)
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? `by_${w.slice(1)}` : w));
  return [method.toLowerCase(), ...words].join('_');
}

function queryParameters(doc: RouteDoc): Parameter[] {
  if (!doc.query) return [];
  const schema = jsonSchemaOf(doc.query, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query' as const,
    required: schema.required?.includes(name) ?? false,
    schema: property,
    ...(doc.queryExample?.[name] !== undefined && { example: doc.queryExample[name] }),
  }));
}

/** A path parameter's schema: what the route's doc says (an enum of actions, roles), else a string. */
function pathSchema(doc: RouteDoc | undefined, name: string): JsonSchema {
  const field = doc?.params?.shape[name];
  return field ? jsonSchemaOf(field as z.ZodType, 'input') : { type: 'string' };
}

function successResponse(doc: RouteDoc | undefined) {
  const status = doc?.status ?? 200;
  if (status === 204) return { [status]: { description: 'Done, no body' } };
  const type = doc?.responseType ?? 'application/json';
  const schema = doc?.response
    ? jsonSchemaOf(doc.response, 'output')
    : type === 'application/json'
      ? { type: 'object' }
      : { type: 'string' };
  return { [status]: { description: status === 201 ? 'Created' : 'OK', content: { [type]: { schema } } } };
}

function buildOperation(method: string, path: string, chain: RouteEntry[], all: RouteEntry[]): Operation {
  const doc = chain.map((e) => routeDocOf(e.handler)).find((d) => d !== undefined);
  const guards = [...all, ...chain];
  const secured = guards.some((e) => isAuthentication(e.handler));
  const roles = guards.map((e) => rolesOf(e.handler)).find((r) => r !== undefined);
  const { path: oaPath, params } = openApiPath(path);
  const errors: Record<string, ReturnType<typeof errorResponse>> = {};
  if (doc?.body || doc?.query) errors['400'] = errorResponse(['VALIDATION_FAILED', 'BAD_REQUEST']);
  if (secured) errors['401'] = errorResponse(['UNAUTHENTICATED']);
  if (roles) errors['403'] = errorResponse(['FORBIDDEN']);
  if (params.length > 0) errors['404'] = errorResponse(['NOT_FOUND']);
  if (doc?.body) errors['413'] = errorResponse(['PAYLOAD_TOO_LARGE']);
  const who = roles ? `Roles: ${['admin', ...roles].join(', ')}.` : undefined;
  const description = [doc?.description, who].filter(Boolean).join('\n\n');
  const parameters: Parameter[] = [
    ...params.map((name) => ({ name, in: 'path' as const, required: true, schema: pathSchema(doc, name) })),
    ...(doc ? queryParameters(doc) : []),
  ];
  const read = method === 'GET';
  return {
    operationId: operationId(method, path),
    summary: doc?.summary ?? `${method} ${oaPath}`,
    ...(description && { description }),
    tags: [tagOf(path)],
    ...(parameters.length > 0 && { parameters }),
    ...(doc?.body && {
      requestBody: {
        required: true as const,
        content: {
          'application/json': {
            schema: jsonSchemaOf(doc.body, 'input'),
            ...(doc.example !== undefined && { example: doc.example }),
          },
        },
      },
    }),
    responses: { ...successResponse(doc), ...errors, default: errorResponse(['INTERNAL']) },
    // Reads also open with the console's session cookie (api-session.ts); writes need a token.
    ...(secured && { security: read ? [{ [BEARER]: [] }, { [SESSION]: [] }] : [{ [BEARER]: [] }] }),
    ...(doc === undefined && { 'x-undescribed': true as const }),
  };
}

function tagOf(path: string): string {
  return path.slice(API_PREFIX.length).split('/')[1] ?? 'api';
}

/** Every operation the app serves under /api/v1, in registration order, with its chain of handlers. */
export function apiRoutes(
  app: RoutedApp,
): { method: string; path: string; chain: RouteEntry[]; before: RouteEntry[] }[] {
  const entries = app.routes;
  const grouped = new Map<string, { method: string; path: string; chain: RouteEntry[]; last: number }>();
  entries.forEach((entry, index) => {
    if (entry.method === 'ALL' || !entry.path.startsWith(`${API_PREFIX}/`)) return;
    const key = `${entry.method} ${entry.path}`;
    const group = grouped.get(key) ?? { method: entry.method, path: entry.path, chain: [], last: index };
    group.chain.push(entry);
    group.last = index;
    grouped.set(key, group);
  });
  return [...grouped.values()].map(({ method, path, chain, last }) => ({
    method,
    path,
    chain,
    // Middleware registered earlier with `use()` that runs for this route (authentication, roles).
    before: entries.slice(0, last).filter((e) => e.method === 'ALL' && covers(e.path, path)),
  }));
}

/** The OpenAPI 3.1 document of the app's /api/v1 routes, built from the routes hono registered. */
export function buildOpenApiDocument(app: RoutedApp, version: string): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of apiRoutes(app)) {
    const { path } = openApiPath(route.path);
    paths[path] = {
      ...paths[path],
      [route.method.toLowerCase()]: buildOperation(route.method, route.path, route.chain, route.before),
    };
  }
  const tags = [
    ...new Set(Object.values(paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags))),
  ]
    .sort()
    .map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie hub API',
      version,
      description:
        'The hub’s HTTP API. Every error is `{ "error": { "code", "message", "details"? } }`; clients switch on `code`.',
    },
    paths,
    tags,
    components: {
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API token (`vga_…`) created in the console (Admin → API tokens) or by `vigie-hub user add`.',
        },
        [SESSION]: {
          type: 'apiKey',
          in: 'cookie',
          name: 'vigie_session',
          description: 'The console’s session cookie; opens GET requests only (no CSRF token on the API).',
        },
      },
      schemas: { Error: errorSchema() },
    },
  };
}

function errorSchema(): JsonSchema {
  return {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            enum: Object.keys(ERROR_CODES),
            description: Object.entries(ERROR_CODES)
              .map(([code, { status, message }]) => `${code} (${status}): ${message}`)
              .join('\n'),
          },
          message: { type: 'string' },
          details: { description: 'What was wrong, e.g. the failed fields of VALIDATION_FAILED.' },
        },
      },
    },
    example: { error: { code: 'NOT_FOUND', message: 'No such incident' } },
  };
}
