import { HOST_ROLES, type PolicyLayerScope, policyLayerSchema } from '@vigie/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import { hostPolicy } from '../../policies/host-policy.js';
import { findLayer, listLayers, type StoredLayer } from '../../policies/layers.js';
import type { PolicyService } from '../../policies/policy-service.js';
import { requestScope } from '../../tenancy/scope-middleware.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

function layerView(layer: StoredLayer) {
  return {
    scope: layer.scope,
    target: layer.target,
    settings: layer.settings,
    revision: layer.revision,
    updatedAt: layer.updatedAt,
    updatedBy: layer.updatedBy,
  };
}

/** URL segment → layer scope; the global layer has no target. */
const PATHS: ReadonlyArray<[path: string, scope: PolicyLayerScope]> = [
  ['/global', 'global'],
  ['/clients/:target', 'client'],
  ['/sites/:target', 'site'],
  ['/roles/:target', 'role'],
  ['/hosts/:target', 'host'],
];

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'The policy defaults and every layer set' }),
  getEffectivePolicy: describeRoute({
    summary: 'The policy the host’s agent runs with, and which layer set each value',
  }),
};

const roleTarget = { params: z.object({ target: z.enum(HOST_ROLES) }) };
const layerDocs = (scope: PolicyLayerScope) => ({
  get: describeRoute({ summary: `The ${scope} policy layer`, ...(scope === 'role' && roleTarget) }),
  put: describeRoute({
    summary: `Replace the ${scope} policy layer (pushed to agents at once)`,
    ...(scope === 'role' && roleTarget),
    body: policyLayerSchema,
    example: { metricsIntervalSec: 60 },
  }),
  delete: describeRoute({
    summary: `Clear the ${scope} policy layer (inherit everything)`,
    ...(scope === 'role' && roleTarget),
  }),
});

/**
 * /api/v1/policies (admins): the hub's defaults and every layer; GET, PUT (replace) and DELETE
 * (clear: inherit everything) one layer. A saved layer reaches the connected agents at once.
 */
export function policyRoutes(deps: HubDeps, policies: PolicyService) {
  const app = new Hono<AuthEnv>();
  app.use(requireRole());

  app.get('/', doc.get, async (c) =>
    c.json({ defaults: policies.defaults, layers: (await listLayers(deps.db)).map(layerView) }),
  );

  for (const [path, scope] of PATHS) {
    const layerDoc = layerDocs(scope);
    const targetOf = (param: string | undefined) => {
      const target = scope === 'global' ? '' : (param ?? '');
      if (scope === 'role' && !(HOST_ROLES as readonly string[]).includes(target))
        throw new ApiError('NOT_FOUND', `No role ${target}: ${HOST_ROLES.join(' or ')}`);
      return target;
    };

    app.get(path, layerDoc.get, async (c) => {
      const target = targetOf(c.req.param('target'));
      const layer = await findLayer(deps.db, scope, target);
      // A layer never set reads as empty: everything inherited.
      return c.json({
        layer: layer
          ? layerView(layer)
          : { scope, target, settings: {}, revision: 0, updatedAt: null, updatedBy: null },
      });
    });

    const save = async (
      target: string,
      settings: Parameters<PolicyService['save']>[0]['settings'],
      by: string,
    ) => {
      const saved = await policies.save({ scope, target, settings }, { now: deps.clock(), by });
      if (!saved.ok) throw new ApiError(saved.code, saved.message, saved.problems);
      return saved;
    };

    app.put(path, layerDoc.put, async (c) => {
      const target = targetOf(c.req.param('target'));
      const settings = await parseJsonBody(c, policyLayerSchema);
      const saved = await save(target, settings, c.var.user.userName);
      return c.json({ layer: { scope, target, settings }, revision: saved.revision, pushedTo: saved.pushed });
    });

    app.delete(path, layerDoc.delete, async (c) => {
      const target = targetOf(c.req.param('target'));
      const saved = await save(target, {}, c.var.user.userName);
      return c.json({
        layer: { scope, target, settings: {} },
        revision: saved.revision,
        pushedTo: saved.pushed,
      });
    });
  }

  return app;
}

/** /api/v1/hosts/:id/effective-policy: what the host's agent runs with and which layer set each value. */
export function effectivePolicyRoutes(deps: HubDeps, policies: PolicyService) {
  const app = new Hono<AuthEnv>();

  app.get('/:id/effective-policy', doc.getEffectivePolicy, async (c) => {
    const view = await hostPolicy(deps.db, policies.defaults, c.req.param('id'), requestScope(c));
    if (!view) throw new ApiError('NOT_FOUND', 'No such host');
    const { effective } = view;
    return c.json({
      hostId: view.host.id,
      client: { id: view.clientId ?? null, name: view.host.client },
      site: { id: view.siteId ?? null, name: view.host.site },
      role: view.host.role,
      revision: effective.policy.revision,
      policy: effective.policy,
      maintenanceWindows: effective.maintenanceWindows,
      sources: effective.sources,
      problems: effective.problems,
      layers: view.layers.filter((l) => Object.keys(l.settings).length > 0).map(layerView),
    });
  });

  return app;
}
