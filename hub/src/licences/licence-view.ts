import type { Updateable } from 'kysely';
import { z } from 'zod';
import { LICENCE_KINDS, LICENCE_MODELS, type LicencesTable } from '../db/tables/inventory-history.js';
import type { LicenceRow } from '../repositories/licences.js';
import { expiryStagesSchema, stagesOf } from './expiry.js';

const date = z.union([z.number().int().min(0), z.iso.date().transform((d) => Date.parse(d))]);
// `*` is the only wildcard; the rest is matched literally, case-insensitively.
const pattern = z.string().trim().min(1).max(256);

const fields = {
  product: z.string().trim().min(1).max(256),
  vendor: z.string().trim().min(1).max(256).nullable().optional(),
  kind: z.enum(LICENCE_KINDS).default('software'),
  model: z.enum(LICENCE_MODELS).default('per_device'),
  namePattern: pattern,
  publisherPattern: pattern.nullable().optional(),
  seats: z.number().int().min(0).max(10_000_000),
  /** Stored whole, shown masked; a reveal is audited. */
  key: z.string().min(1).max(1024).nullable().optional(),
  cost: z.number().min(0).max(1e12).nullable().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .nullable()
    .optional(),
  purchasedAt: date.nullable().optional(),
  expiresAt: date.nullable().optional(),
  /** Days before expiry at which a ticket is raised; null: the defaults (90, 30, 7, 0). */
  expiryStages: expiryStagesSchema.nullable().optional(),
  client: z.string().trim().min(1).max(256).nullable().optional(),
  notes: z.string().max(4096).optional(),
};

export const licenceCreateBody = z.strictObject(fields);
export const licencePatchBody = z
  .strictObject({ ...fields, kind: z.enum(LICENCE_KINDS), model: z.enum(LICENCE_MODELS) })
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change' });

type Body = Partial<z.infer<typeof licenceCreateBody>>;

/** The columns a (partial) body sets; absent fields are left alone. */
export function licenceColumns(body: Body): Updateable<LicencesTable> {
  const columns: Updateable<LicencesTable> = {};
  if (body.product !== undefined) columns.product = body.product;
  if (body.vendor !== undefined) columns.vendor = body.vendor;
  if (body.kind !== undefined) columns.kind = body.kind;
  if (body.model !== undefined) columns.model = body.model;
  if (body.namePattern !== undefined) columns.name_pattern = body.namePattern;
  if (body.publisherPattern !== undefined) columns.publisher_pattern = body.publisherPattern;
  if (body.seats !== undefined) columns.seats = body.seats;
  if (body.key !== undefined) columns.licence_key = body.key;
  if (body.cost !== undefined) columns.cost = body.cost;
  if (body.currency !== undefined) columns.currency = body.currency;
  if (body.purchasedAt !== undefined) columns.purchased_at = body.purchasedAt;
  if (body.expiresAt !== undefined) columns.expires_at = body.expiresAt;
  if (body.expiryStages !== undefined)
    columns.expiry_stages = body.expiryStages === null ? null : JSON.stringify(body.expiryStages);
  if (body.client !== undefined) columns.client = body.client;
  if (body.notes !== undefined) columns.notes = body.notes;
  return columns;
}

/**
 * A key as the API shows it: its last 4 characters when it is long enough that they give little
 * away, the rest as `*`; a short key is fully masked.
 */
export function maskKey(key: string): string {
  return key.length >= 12 ? `****${key.slice(-4)}` : '****';
}

const ms = (v: number | null) => (v === null ? null : Number(v));

/** A licence as the API shows it: the key masked, never whole. */
export function licenceView(row: LicenceRow) {
  return {
    id: row.id,
    client: row.client,
    product: row.product,
    vendor: row.vendor,
    kind: row.kind,
    model: row.model,
    namePattern: row.name_pattern,
    publisherPattern: row.publisher_pattern,
    seats: row.seats,
    keyMasked: row.licence_key === null ? null : maskKey(row.licence_key),
    cost: row.cost === null ? null : Number(row.cost),
    currency: row.currency,
    purchasedAt: ms(row.purchased_at),
    expiresAt: ms(row.expires_at),
    expiryStages: stagesOf(row.expiry_stages),
    notes: row.notes,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
