import {
  POLICY_LAYER_SCOPES,
  type PolicyLayer,
  type PolicyLayerScope,
  type PolicyLayerSettings,
  policyLayerSchema,
} from '@vigie/shared';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/** A stored layer with what the API shows about its last change. */
export interface StoredLayer extends PolicyLayer {
  readonly revision: number;
  readonly updatedAt: number;
  readonly updatedBy: string | null;
}

type LayerRow = Database['policy_layers'];

function toLayer(row: LayerRow): StoredLayer {
  // Stored layers passed the schema when saved; one that no longer does (a kind this build dropped)
  // is read as empty rather than failing every agent's welcome.
  const parsed = policyLayerSchema.safeParse(JSON.parse(row.settings));
  return {
    scope: row.scope,
    target: row.target,
    settings: parsed.success ? parsed.data : {},
    revision: Number(row.revision),
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
  };
}

/** Every layer that sets something (cleared layers are kept as `{}` but not listed). */
export async function listLayers(db: Kysely<Database>): Promise<StoredLayer[]> {
  const rows = await db.selectFrom('policy_layers').selectAll().orderBy('scope').orderBy('target').execute();
  return rows.map(toLayer).filter((layer) => Object.keys(layer.settings).length > 0);
}

export async function findLayer(
  db: Kysely<Database>,
  scope: PolicyLayerScope,
  target: string,
): Promise<StoredLayer | undefined> {
  const row = await db
    .selectFrom('policy_layers')
    .selectAll()
    .where('scope', '=', scope)
    .where('target', '=', target)
    .executeTakeFirst();
  return row && toLayer(row);
}

/** The layers that apply to one host, given the ids of its client and site entities. */
export async function layersForHost(
  db: Kysely<Database>,
  host: { id: string; role: string; clientId: string | undefined; siteId: string | undefined },
): Promise<StoredLayer[]> {
  const wanted: Array<[PolicyLayerScope, string]> = [
    ['global', ''],
    ['role', host.role],
    ['host', host.id],
  ];
  if (host.clientId !== undefined) wanted.push(['client', host.clientId]);
  if (host.siteId !== undefined) wanted.push(['site', host.siteId]);
  const rows = await db
    .selectFrom('policy_layers')
    .selectAll()
    .where((eb) =>
      eb.or(wanted.map(([scope, target]) => eb.and([eb('scope', '=', scope), eb('target', '=', target)]))),
    )
    .execute();
  const rank = (layer: StoredLayer) => POLICY_LAYER_SCOPES.indexOf(layer.scope);
  return rows.map(toLayer).sort((a, b) => rank(a) - rank(b));
}

/** The highest revision of any layer: the revision every effective policy carries (0: none yet). */
export async function currentRevision(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('policy_layers')
    .select((eb) => eb.fn.max('revision').as('revision'))
    .executeTakeFirst();
  return Number(row?.revision ?? 0);
}

/**
 * Replace a layer (an empty one clears it). Its revision is one above the highest so far, so the
 * next policy any agent receives is never older than one it already has.
 */
export async function saveLayer(
  db: Kysely<Database>,
  layer: { scope: PolicyLayerScope; target: string; settings: PolicyLayerSettings },
  change: { now: number; by: string | null },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const revision = (await currentRevision(trx)) + 1;
    const values = {
      settings: JSON.stringify(layer.settings),
      revision,
      updated_at: change.now,
      updated_by: change.by,
    };
    await trx
      .insertInto('policy_layers')
      .values({ scope: layer.scope, target: layer.target, ...values })
      .onConflict((oc) => oc.columns(['scope', 'target']).doUpdateSet(values))
      .execute();
    return revision;
  });
}
