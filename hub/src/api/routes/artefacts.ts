import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { ARTEFACTS, type Artefact, type ArtefactStore } from '../../artefacts/artefact-store.js';
import { ApiError } from '../api-error.js';

function view(artefact: Artefact) {
  const { path: _path, ...rest } = artefact;
  return { ...rest, url: `/downloads/${artefact.name}` };
}

/** GET /api/v1/agent/artefacts: what this hub serves, with size and sha256; public, like the files. */
export function artefactListRoutes(store: ArtefactStore) {
  const app = new Hono();
  app.get('/', async (c) => {
    const artefacts = await store.list();
    return c.json({ version: artefacts[0]?.version ?? null, artefacts: artefacts.map(view) });
  });
  return app;
}

/**
 * GET /downloads/:name: the artefact bytes. No authentication: an artefact holds no secret (the
 * credential is minted at enrolment), and a machine being installed has nothing to authenticate
 * with yet. The ETag is the sha256, so caches revalidate cheaply and installers can cross-check.
 */
export function downloadRoutes(store: ArtefactStore) {
  const app = new Hono();
  app.get('/:name', async (c) => {
    const artefact = await store.get(c.req.param('name'));
    if (!artefact) throw new ApiError('NOT_FOUND', 'No such agent artefact');
    const etag = `"${artefact.sha256}"`;
    const headers = {
      etag,
      'x-checksum-sha256': artefact.sha256,
      'x-vigie-agent-version': artefact.version,
      // The same URL serves the next version after an upgrade: always revalidate.
      'cache-control': 'no-cache',
    };
    if (
      c.req
        .header('if-none-match')
        ?.split(/\s*,\s*/)
        .includes(etag)
    )
      return c.body(null, 304, headers);
    const stream = Readable.toWeb(createReadStream(artefact.path)) as ReadableStream<Uint8Array>;
    return c.body(stream, 200, {
      ...headers,
      'content-type': ARTEFACTS[artefact.name].contentType,
      'content-length': String(artefact.size),
      'content-disposition': `attachment; filename="${artefact.name}"`,
    });
  });
  return app;
}
