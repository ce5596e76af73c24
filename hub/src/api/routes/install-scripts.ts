import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ArtefactStore } from '../../artefacts/artefact-store.js';
import { installCommands } from '../../artefacts/install-commands.js';
import { renderInstallPs1 } from '../../artefacts/install-ps1.js';
import { renderInstallSh } from '../../artefacts/install-sh.js';
import { findEnrolmentTokenForInstall } from '../../artefacts/token-lookup.js';
import type { HubDeps } from '../../config/deps.js';
import { secretMatches } from '../../security/secrets.js';
import { ApiError } from '../api-error.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody } from '../validate.js';

/** Where agents reach this hub: the configured public URL, else the origin the request came to. */
function hubUrlOf(c: Context, publicUrl: string | undefined): string {
  return (publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
}

function refuseTokenInUrl(c: Context): void {
  // A token in a query string ends up in proxy and web-server logs: make that habit fail early.
  if (c.req.query('token') !== undefined) {
    throw new ApiError(
      'BAD_REQUEST',
      'Pass the token to the script (sh -s -- --token …, or $env:VIGIE_ENROLMENT_TOKEN), not in the URL',
    );
  }
}

/** GET /install.sh and /install.ps1: the installers for this hub; public, they hold no secret. */
export function installScriptRoutes(store: ArtefactStore, options: { publicUrl?: string } = {}) {
  const app = new Hono();
  app.get('/install.sh', async (c) => {
    refuseTokenInUrl(c);
    const script = renderInstallSh({ hubUrl: hubUrlOf(c, options.publicUrl), artefacts: await store.list() });
    return c.body(script, 200, {
      'content-type': 'text/x-shellscript; charset=utf-8',
      'cache-control': 'no-cache',
    });
  });
  app.get('/install.ps1', async (c) => {
    refuseTokenInUrl(c);
    const script = renderInstallPs1({
      hubUrl: hubUrlOf(c, options.publicUrl),
      artefacts: await store.list(),
    });
    return c.body(script, 200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
  });
  return app;
}

const TOKEN_PLACEHOLDER = '<TOKEN>';
const tokenBody = z.object({ token: z.string().min(16).max(256) });

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  getInstallCommands: describeRoute({
    summary: 'The commands that install an agent with this enrolment token',
  }),
  postInstallCommands: describeRoute({
    summary: 'The install commands, with the token value filled in',
    body: tokenBody,
    example: { token: 'vge_0123456789abcdef' },
  }),
};

/**
 * /api/v1/enrolment-tokens/:id/install-commands (admin). The hub keeps only a token's hash, so GET
 * shows the commands with a <TOKEN> placeholder; POST with the clear token (in the body, never in
 * the URL) checks it belongs to this id and returns the exact commands.
 */
export function installCommandRoutes(deps: HubDeps, options: { publicUrl?: string } = {}) {
  const app = new Hono<AuthEnv>();
  app.use('/:id/install-commands', requireRole());

  async function tokenOr404(id: string) {
    const row = await findEnrolmentTokenForInstall(deps.db, id);
    if (!row) throw new ApiError('NOT_FOUND', 'No such enrolment token');
    return row;
  }

  app.get('/:id/install-commands', doc.getInstallCommands, async (c) => {
    const row = await tokenOr404(c.req.param('id'));
    const hubUrl = hubUrlOf(c, options.publicUrl);
    return c.json({
      tokenId: row.id,
      exact: false,
      placeholder: TOKEN_PLACEHOLDER,
      commands: installCommands(hubUrl, TOKEN_PLACEHOLDER, row.role ?? undefined),
    });
  });

  app.post('/:id/install-commands', doc.postInstallCommands, async (c) => {
    const row = await tokenOr404(c.req.param('id'));
    const { token } = await parseJsonBody(c, tokenBody);
    if (!secretMatches(token, row.tokenHash)) {
      throw new ApiError('VALIDATION_FAILED', 'This token is not the one with this id');
    }
    const hubUrl = hubUrlOf(c, options.publicUrl);
    return c.json({
      tokenId: row.id,
      exact: true,
      commands: installCommands(hubUrl, token, row.role ?? undefined),
    });
  });
  return app;
}
