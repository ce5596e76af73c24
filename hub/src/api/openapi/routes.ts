import { Hono } from 'hono';
import { CONTENT_SECURITY_POLICY } from '../../console/console-app.js';
import { HUB_VERSION } from '../../version.js';
import { describeRoute } from './describe.js';
import { DOCS_CSS, docsPage } from './docs-page.js';
import { buildOpenApiDocument, type OpenApiDocument, type RoutedApp } from './document.js';

/**
 * GET /api/v1/openapi.json and /api/v1/docs: public, like the API's shape in any client. The
 * document is built once, on first request, from the routes the whole app registered by then.
 */
export function openApiRoutes(app: () => RoutedApp) {
  let doc: OpenApiDocument | undefined;
  const document = () => {
    doc ??= buildOpenApiDocument(app(), HUB_VERSION);
    return doc;
  };
  const routes = new Hono();
  routes.use('/docs/*', async (c, next) => {
    await next();
    c.header('content-security-policy', CONTENT_SECURITY_POLICY);
    c.header('x-content-type-options', 'nosniff');
    c.header('x-frame-options', 'DENY');
  });
  routes.get('/openapi.json', describeRoute({ summary: 'This OpenAPI 3.1 document' }), (c) =>
    c.json(document()),
  );
  routes.get(
    '/docs',
    describeRoute({ summary: 'The browsable reference (HTML)', responseType: 'text/html' }),
    async (c) => c.html(docsPage(document(), 'docs/docs.css')),
  );
  routes.get(
    '/docs/docs.css',
    describeRoute({ summary: 'The reference page’s style sheet', responseType: 'text/css' }),
    (c) => {
      c.header('content-type', 'text/css; charset=utf-8');
      c.header('cache-control', 'public, max-age=3600');
      return c.body(DOCS_CSS);
    },
  );
  return routes;
}
