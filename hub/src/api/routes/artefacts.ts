import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { ArtefactSigner } from '../../artefacts/artefact-signer.js';
import { ARTEFACTS, type Artefact, type ArtefactStore } from '../../artefacts/artefact-store.js';
import { ApiError } from '../api-error.js';
import { describeRoute } from '../openapi/describe.js';

function view(artefact: Artefact, signer: ArtefactSigner | undefined) {
  const { path: _path, ...rest } = artefact;
  return {
    ...rest,
    url: `/downloads/${artefact.name}`,
    ...(signer && { signature: signer.signature(artefact), signatureUrl: `/downloads/${artefact.name}.sig` }),
  };
}

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Agent artefacts this hub offers (version, platform, digest, signature)' }),
  getOne: describeRoute({
    summary: 'Download one agent artefact (conditional GET by ETag)',
    responseType: 'application/octet-stream',
  }),
};

/**
 * GET /api/v1/agent/artefacts: what this hub serves, with size, sha256 and (when the hub signs)
 * the ed25519 signature and the public key to check it with; public, like the files.
 */
export function artefactListRoutes(store: ArtefactStore, signer?: ArtefactSigner) {
  const app = new Hono();
  app.get('/', doc.get, async (c) => {
    const artefacts = await store.list();
    return c.json({
      version: artefacts[0]?.version ?? null,
      ...(signer && { signingKey: signer.publicKey }),
      artefacts: artefacts.map((artefact) => view(artefact, signer)),
    });
  });
  return app;
}

/**
 * GET /downloads/:name: the artefact bytes. No authentication: an artefact holds no secret (the
 * credential is minted at enrolment), and a machine being installed has nothing to authenticate
 * with yet. The ETag is the sha256, so caches revalidate cheaply and installers can cross-check.
 */
export function downloadRoutes(store: ArtefactStore, signer?: ArtefactSigner) {
  const app = new Hono();
  app.get('/:name', doc.getOne, async (c) => {
    const name = c.req.param('name');
    // `<artefact>.sig`: the detached signature (base64url) over name, version, size and sha256.
    if (signer && name.endsWith('.sig')) {
      const signed = await store.get(name.slice(0, -'.sig'.length));
      if (!signed) throw new ApiError('NOT_FOUND', 'No such agent artefact');
      return c.text(`${signer.signature(signed)}\n`, 200, {
        'x-vigie-agent-version': signed.version,
        'x-checksum-sha256': signed.sha256,
        'cache-control': 'no-cache',
      });
    }
    const artefact = await store.get(name);
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
