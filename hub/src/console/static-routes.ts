import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);

/** The console's own assets live beside its source; the built hub finds them there too. */
function staticDir(): string {
  const candidates = [
    new URL('./static/', import.meta.url),
    new URL('../../src/console/static/', import.meta.url),
  ];
  const found = candidates.find((dir) => existsSync(new URL('console.js', dir)));
  if (!found) throw new Error('console assets not found (hub/src/console/static)');
  return fileURLToPath(found);
}

/** GET /console/static/*: the script, the style sheet and uPlot (from npm), read once, cached by the browser. */
export function staticRoutes() {
  const dir = staticDir();
  const files: Record<string, { body: string; type: string }> = {
    'console.js': { body: readFileSync(`${dir}console.js`, 'utf8'), type: 'text/javascript; charset=utf-8' },
    'console.css': { body: readFileSync(`${dir}console.css`, 'utf8'), type: 'text/css; charset=utf-8' },
    'favicon.svg': { body: readFileSync(`${dir}favicon.svg`, 'utf8'), type: 'image/svg+xml' },
    'uplot.js': {
      body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      type: 'text/javascript; charset=utf-8',
    },
    'uplot.css': {
      body: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
      type: 'text/css; charset=utf-8',
    },
  };
  const app = new Hono();
  app.get('/:file', (c) => {
    const file = files[c.req.param('file')];
    if (!file) return c.text('Not found', 404);
    return c.body(file.body, 200, { 'content-type': file.type, 'cache-control': 'public, max-age=300' });
  });
  return app;
}
