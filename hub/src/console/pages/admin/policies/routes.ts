import { policyLayerSchema } from '@vigie/shared';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { ApiError } from '../../../../api/api-error.js';
import { parseValue } from '../../../../api/validate.js';
import { findLayer } from '../../../../policies/layers.js';
import type { PolicyService } from '../../../../policies/policy-service.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../../env.js';
import { runAction } from '../../../views/action-error.js';
import { page } from '../../../views/layout.js';
import { effectivePolicyPage } from './effective-page.js';
import { settingsFromForm, text, valuesOf } from './form.js';
import { policiesIndexPage } from './index-page.js';
import { layerPage } from './layer-page.js';
import { layerOf } from './target.js';

/**
 * /console/admin/policies: rules and thresholds as policy layers (global, client, site, role,
 * host), edited through the API's policy service — same schema, same consistency check, same push
 * to the connected agents — and a host's effective policy with the layer that set each value.
 */
export function policyAdminRoutes(deps: ConsoleDeps, policies: PolicyService) {
  const app = new Hono<ConsoleEnv>();

  app.get('/', async (c) => c.html(await policiesIndexPage(deps, c)));

  const notFound = (c: Context<ConsoleEnv>) =>
    c.html(page(c, c.var.t('notFoundTitle'), html`<p role="alert">${c.var.t('notFoundText')}</p>`), 404);

  app.get('/layer', async (c) => {
    const layer = await layerOf(deps.db, c.req.query('scope') ?? '', c.req.query('target') ?? '');
    if (!layer) return notFound(c);
    const stored = (await findLayer(deps.db, layer.scope, layer.target))?.settings ?? {};
    const saved = c.req.query('pushed');
    const notice =
      saved === undefined
        ? undefined
        : html`<p role="status">${c.var.t('admPushed', { revision: c.req.query('revision') ?? '', n: saved })}</p>`;
    return c.html(
      await layerPage(deps, policies, c, layer.scope, layer.target, layer.label, valuesOf(stored), notice),
    );
  });

  app.post('/layer', async (c) => {
    const form = await c.req.parseBody();
    const layer = await layerOf(deps.db, text(form.scope), text(form.target));
    if (!layer) return notFound(c);
    const values = Object.fromEntries(
      Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
    );
    return runAction(
      c,
      async () => {
        const stored = (await findLayer(deps.db, layer.scope, layer.target))?.settings ?? {};
        const settings =
          form.clear === '1' ? {} : parseValue(policyLayerSchema, settingsFromForm(form, stored));
        const by = c.var.user?.name ?? null;
        const saved = await policies.save({ ...layer, settings }, { now: deps.clock(), by });
        if (!saved.ok) throw new ApiError(saved.code, saved.message, saved.problems);
        const query = new URLSearchParams({
          scope: layer.scope,
          target: layer.target,
          revision: String(saved.revision),
          pushed: String(saved.pushed),
        });
        return c.redirect(`${BASE}/admin/policies/layer?${query.toString()}`, 303);
      },
      (error) => layerPage(deps, policies, c, layer.scope, layer.target, layer.label, values, error),
    );
  });

  app.get('/effective', async (c) => {
    const view = await effectivePolicyPage(deps, policies, c);
    return view === undefined ? notFound(c) : c.html(view);
  });

  return app;
}
