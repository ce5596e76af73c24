import { effectiveRules } from '../checks/default-rules.js';
import { type CheckRule, checkRuleSchema, type RuleKind } from '../checks/rule.js';
import type { RemediableCheck } from '../remediation/actions.js';
import { completeRemediationRule, type RemediationRule } from '../remediation/rule.js';
import { POLICY_LAYER_SCOPES, type PolicyLayerScope, type PolicyLayerSettings } from './layer.js';
import type { Policy } from './policy.js';

/** One layer that applies to the host being resolved. */
export interface PolicyLayer {
  readonly scope: PolicyLayerScope;
  /** Client id, site id, role or host id; empty for the global layer. */
  readonly target: string;
  readonly settings: PolicyLayerSettings;
}

/** The name a layer goes by in `sources` and `problems`: `global`, `client:<id>`, `role:server`… */
export type LayerName = 'defaults' | 'global' | `${Exclude<PolicyLayerScope, 'global'>}:${string}`;

/** A layer's check override that would have made a rule invalid; the layer below's rule was kept. */
export interface PolicyProblem {
  readonly layer: LayerName;
  readonly kind: RuleKind | `remediation:${RemediableCheck}`;
  readonly message: string;
}

export interface EffectivePolicy {
  /** What the agent receives. */
  readonly policy: Policy;
  /** Maintenance windows named by the layers (hub side; agents do not receive them). */
  readonly maintenanceWindows: readonly string[];
  /** N0 remediation per check kind (hub side; agents do not receive it; decision 0029). */
  readonly remediation: Readonly<Partial<Record<RemediableCheck, RemediationRule>>>;
  /**
   * Which layer set each value, by path (`/metricsIntervalSec`, `/checks/cpu.busy/warning/trigger`).
   * Every leaf is listed; lists count as one value.
   */
  readonly sources: Readonly<Record<string, LayerName>>;
  readonly problems: readonly PolicyProblem[];
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key; anything else (lists, null, scalars) replaces. Undefined keys inherit. */
export function mergeOverride(lower: Json, upper: Json): Json {
  if (upper === undefined) return lower;
  if (!isObject(upper)) return upper;
  const out: JsonObject = isObject(lower) ? { ...lower } : {};
  for (const [key, value] of Object.entries(upper)) {
    if (value !== undefined) out[key] = mergeOverride(out[key], value);
  }
  return out;
}

export function layerName(layer: Pick<PolicyLayer, 'scope' | 'target'>): LayerName {
  return layer.scope === 'global' ? 'global' : `${layer.scope}:${layer.target}`;
}

/** Record `layer` as the source of every leaf of `value` under `path`, forgetting what it replaced. */
function claim(
  sources: Map<string, LayerName>,
  path: string,
  value: Json,
  layer: LayerName,
  replaces = true,
): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    // An object merges: siblings keep their source, but a leaf here (a null level) is one no more.
    sources.delete(path);
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) claim(sources, `${path}/${key}`, child, layer, replaces);
    }
    return;
  }
  // A leaf replaces whatever was below it (nothing is, while the defaults are laid down).
  if (replaces) for (const key of [...sources.keys()]) if (key.startsWith(`${path}/`)) sources.delete(key);
  sources.set(path, layer);
}

const TOP_KEYS = ['metricsIntervalSec', 'processesIntervalSec', 'inventoryCron', 'services'] as const;

/**
 * The effective policy of one host: `defaults` (the hub's own policy, from `--policy`), then the
 * layers in scope order global → client → site → role → host, whatever order they are given in.
 * A check override applies to every rule of its kind; one that would leave a rule inconsistent
 * (a warning past its critical, a level without a clear) is skipped and reported in `problems`,
 * so resolving never fails and an agent never receives a rule its evaluator would refuse.
 */
export function resolvePolicy(
  defaults: Policy,
  layers: readonly PolicyLayer[],
  revision: number,
): EffectivePolicy {
  const sources = new Map<string, LayerName>();
  const top: Record<(typeof TOP_KEYS)[number], Json> = {
    metricsIntervalSec: defaults.metricsIntervalSec,
    processesIntervalSec: defaults.processesIntervalSec,
    inventoryCron: defaults.inventoryCron,
    services: defaults.services,
  };
  for (const key of TOP_KEYS) claim(sources, `/${key}`, top[key], 'defaults', false);
  // Rules grouped by kind, in the order effectiveRules gives (several rules of a kind stay in order).
  const checks = new Map<RuleKind, CheckRule[]>();
  for (const rule of effectiveRules(defaults.checks)) {
    checks.set(rule.kind, [...(checks.get(rule.kind) ?? []), rule]);
  }
  for (const [kind, rules] of checks) {
    for (const rule of rules) {
      const { kind: _kind, ...fields } = rule;
      claim(sources, `/checks/${kind}`, fields, 'defaults', false);
    }
  }
  let maintenanceWindows: readonly string[] = [];
  // Optional in a policy (absent = off), so not one of TOP_KEYS.
  let autoUpdate = defaults.autoUpdate;
  if (autoUpdate !== undefined) claim(sources, '/autoUpdate', autoUpdate, 'defaults');
  const problems: PolicyProblem[] = [];
  // Merged overrides per check kind; completed into rules once every layer was laid down.
  const remediation = new Map<RemediableCheck, { merged: Json; layer: LayerName }>();

  const ordered = [...layers].sort(
    (a, b) => POLICY_LAYER_SCOPES.indexOf(a.scope) - POLICY_LAYER_SCOPES.indexOf(b.scope),
  );
  for (const layer of ordered) {
    const name = layerName(layer);
    const { settings } = layer;
    for (const key of TOP_KEYS) {
      if (settings[key] === undefined) continue;
      top[key] = settings[key];
      claim(sources, `/${key}`, settings[key], name);
    }
    if (settings.autoUpdate !== undefined) {
      autoUpdate = settings.autoUpdate;
      claim(sources, '/autoUpdate', settings.autoUpdate, name);
    }
    if (settings.maintenanceWindows !== undefined) {
      maintenanceWindows = settings.maintenanceWindows;
      claim(sources, '/maintenanceWindows', settings.maintenanceWindows, name);
    }
    for (const [kind, override] of Object.entries(settings.remediation ?? {}) as [RemediableCheck, Json][]) {
      if (override === undefined) continue;
      if (override === null) remediation.delete(kind);
      else
        remediation.set(kind, {
          merged: mergeOverride(remediation.get(kind)?.merged, override),
          layer: name,
        });
      claim(sources, `/remediation/${kind}`, override, name);
    }
    for (const [kind, override] of Object.entries(settings.checks ?? {}) as [RuleKind, Json][]) {
      if (override === undefined) continue;
      const rules = checks.get(kind);
      if (!rules) continue;
      const merged: CheckRule[] = [];
      let problem: string | undefined;
      for (const rule of rules) {
        const result = checkRuleSchema.safeParse(mergeOverride(rule, override));
        if (result.success) merged.push(result.data);
        else {
          const issue = result.error.issues[0];
          problem = `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid rule'}`;
          break;
        }
      }
      if (problem !== undefined) {
        problems.push({ layer: name, kind, message: problem });
        continue;
      }
      checks.set(kind, merged);
      claim(sources, `/checks/${kind}`, override, name);
    }
  }

  const policy: Policy = {
    revision,
    metricsIntervalSec: top.metricsIntervalSec as number,
    processesIntervalSec: top.processesIntervalSec as number,
    inventoryCron: top.inventoryCron as string,
    services: top.services as string[],
    checks: [...checks.values()].flat(),
    ...(autoUpdate !== undefined && { autoUpdate }),
  };
  const rules: Partial<Record<RemediableCheck, RemediationRule>> = {};
  for (const [kind, { merged, layer }] of remediation) {
    const rule = completeRemediationRule(kind, merged as Parameters<typeof completeRemediationRule>[1]);
    if (typeof rule === 'string') problems.push({ layer, kind: `remediation:${kind}`, message: rule });
    else rules[kind] = rule;
  }
  return {
    policy,
    maintenanceWindows,
    remediation: rules,
    sources: Object.fromEntries(sources),
    problems,
  };
}
