import { allowEntrySchema, HOST_ROLES, PROBE_KINDS, probeSpecSchema } from '@vigie/shared';
import { z } from 'zod';
import { ApiError } from '../api/api-error.js';
import { hostTags } from '../hosts/fields.js';
import { probeRulesSchema } from './rules.js';

// What the API and the console write about devices, probes and allowlists, checked.

export const scopeName = z.string().trim().min(1).max(256);
export const hostId = z.string().min(1).max(64);
const hostname = z.string().trim().min(1).max(253);

export const deviceBody = z.strictObject({
  hostname,
  client: scopeName,
  site: scopeName,
  /** `server` for shared equipment (firewall, NAS): impact and routing read role and tags. */
  role: z.enum(HOST_ROLES).default('server'),
  tags: hostTags.default([]),
});
export const devicePatch = z
  .strictObject({
    hostname: hostname.optional(),
    role: z.enum(HOST_ROLES).optional(),
    tags: hostTags.optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'nothing to change');
export const behindBody = z.strictObject({ hosts: z.array(hostId).max(10_000) });
export const allowBody = z.strictObject({
  client: scopeName,
  site: scopeName,
  allow: z
    .array(allowEntrySchema)
    .max(256)
    .transform((list) => [...new Set(list)]),
});

// A probe is written flat, as its spec (kind and target fields), plus where it belongs and who runs it.
const META_KEYS = ['device', 'name', 'agents', 'rules', 'enabled'] as const;
const probeMeta = z.strictObject({
  device: hostId,
  name: z.string().trim().min(1).max(100),
  /** Hosts of the device's site whose agents run it; the incident opens when all of them agree. */
  agents: z
    .array(hostId)
    .min(1)
    .max(8)
    .transform((list) => [...new Set(list)]),
  rules: probeRulesSchema.default(probeRulesSchema.parse({})),
  enabled: z.boolean().default(true),
});
export const probePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    agents: z
      .array(hostId)
      .min(1)
      .max(8)
      .transform((list) => [...new Set(list)])
      .optional(),
    rules: probeRulesSchema.optional(),
    enabled: z.boolean().optional(),
    intervalSec: z.number().int().min(1).max(86_400).optional(),
    timeoutMs: z.number().int().min(50).max(60_000).optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), 'nothing to change');

export const invalid = (path: string, message: string) =>
  new ApiError('VALIDATION_FAILED', message, [{ path, message }]);

/** Split a flat probe body into its spec (validated as agents will receive it) and its metadata. */
export function parseProbeBody(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ApiError('VALIDATION_FAILED', 'The body must be a JSON object');
  const meta: Record<string, unknown> = {};
  const spec: Record<string, unknown> = { intervalSec: 30, timeoutMs: 5000 };
  for (const [key, value] of Object.entries(body)) {
    if ((META_KEYS as readonly string[]).includes(key)) meta[key] = value;
    else spec[key] = value;
  }
  if (!(PROBE_KINDS as readonly unknown[]).includes(spec.kind))
    throw invalid('kind', `kind must be one of ${PROBE_KINDS.join(', ')}`);
  // The id is the hub's; a placeholder lets the schema check everything else.
  const parsedSpec = probeSpecSchema.safeParse({ ...spec, id: 'new' });
  const parsedMeta = probeMeta.safeParse(meta);
  const issues = [
    ...(parsedSpec.success ? [] : parsedSpec.error.issues),
    ...(parsedMeta.success ? [] : parsedMeta.error.issues),
  ];
  if (!parsedSpec.success || !parsedMeta.success)
    throw new ApiError(
      'VALIDATION_FAILED',
      undefined,
      issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  return { spec: parsedSpec.data, meta: parsedMeta.data };
}
