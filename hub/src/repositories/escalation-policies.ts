import type { SupportLevel } from '@vigie/shared';
import { type EscalationStep, escalationStepsSchema } from '@vigie/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { EscalationPoliciesTable } from '../db/tables/escalation.js';

/** A stored policy, decoded. */
export interface EscalationPolicy {
  readonly id: string;
  readonly name: string;
  readonly level: SupportLevel;
  /** '' = every client without a policy of its own. */
  readonly client: string;
  readonly steps: readonly EscalationStep[];
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Decode a row; undefined when its steps no longer validate (then the stock policy applies). */
export function decodePolicy(row: Selectable<EscalationPoliciesTable>): EscalationPolicy | undefined {
  try {
    const steps = escalationStepsSchema.safeParse(JSON.parse(row.steps));
    if (!steps.success) return undefined;
    return {
      id: row.id,
      name: row.name,
      level: row.level,
      client: row.client,
      steps: steps.data as EscalationStep[],
      enabled: row.enabled === 1,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  } catch {
    return undefined;
  }
}

/** Every policy, by level then name. */
export async function listPolicies(db: Kysely<Database>): Promise<EscalationPolicy[]> {
  const rows = await db
    .selectFrom('escalation_policies')
    .selectAll()
    .orderBy('level')
    .orderBy('name')
    .execute();
  return rows.map(decodePolicy).filter((p) => p !== undefined);
}

export async function findPolicy(db: Kysely<Database>, id: string): Promise<EscalationPolicy | undefined> {
  const row = await db.selectFrom('escalation_policies').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? decodePolicy(row) : undefined;
}

/** The enabled policy for a level and client: the client's own, else the level's default. */
export async function findPolicyFor(
  db: Kysely<Database>,
  level: SupportLevel,
  client: string,
): Promise<EscalationPolicy | undefined> {
  const rows = await db
    .selectFrom('escalation_policies')
    .selectAll()
    .where('level', '=', level)
    .where('client', 'in', ['', client])
    .where('enabled', '=', 1)
    .execute();
  const policies = rows.map(decodePolicy).filter((p) => p !== undefined);
  return policies.find((p) => p.client === client) ?? policies.find((p) => p.client === '');
}

export type PolicyInput = Omit<EscalationPolicy, 'createdAt' | 'updatedAt'>;

/** Store a policy; false when its name or its (level, client) is taken. */
export async function insertPolicy(db: Kysely<Database>, policy: PolicyInput, now: number): Promise<boolean> {
  const result = await db
    .insertInto('escalation_policies')
    .values({ ...columns(policy), id: policy.id, created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Replace a policy's fields; runs in flight keep the steps they started with. */
export async function updatePolicy(
  db: Kysely<Database>,
  policy: PolicyInput,
  now: number,
): Promise<'updated' | 'missing' | 'conflict'> {
  const clash = await db
    .selectFrom('escalation_policies')
    .select('id')
    .where('id', '!=', policy.id)
    .where((eb) =>
      eb.or([
        eb('name', '=', policy.name),
        eb.and([eb('level', '=', policy.level), eb('client', '=', policy.client)]),
      ]),
    )
    .executeTakeFirst();
  if (clash) return 'conflict';
  const result = await db
    .updateTable('escalation_policies')
    .set({ ...columns(policy), updated_at: now })
    .where('id', '=', policy.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? 'updated' : 'missing';
}

export async function deletePolicy(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('escalation_policies').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

function columns(policy: PolicyInput) {
  return {
    name: policy.name,
    level: policy.level,
    client: policy.client,
    steps: JSON.stringify(policy.steps),
    enabled: policy.enabled ? 1 : 0,
  };
}
