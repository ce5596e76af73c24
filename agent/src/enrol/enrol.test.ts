import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnrolRequest } from '@vigie/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { enrol } from './enrol.js';

const REQUEST: EnrolRequest = {
  token: 't'.repeat(32),
  fingerprint: 'f'.repeat(64),
  hostname: 'pc-compta-01',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0', arch: 'x64' },
  role: 'workstation',
};

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function hub(handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => handler(request, body, response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

describe('enrol', () => {
  it('posts the request to /api/v1/enrol and returns the credential', async () => {
    const seen: Array<{ url?: string; method?: string; body: unknown }> = [];
    const hubUrl = await hub((request, body, response) => {
      seen.push({ url: request.url, method: request.method, body: JSON.parse(body) });
      json(response, 201, { agentId: 'agt_0123456789', secret: 's'.repeat(43), hostId: 'host_1' });
    });
    const result = await enrol({ hubUrl, request: REQUEST });
    expect(result).toEqual({
      ok: true,
      response: { agentId: 'agt_0123456789', secret: 's'.repeat(43), hostId: 'host_1' },
    });
    expect(seen).toEqual([{ url: '/api/v1/enrol', method: 'POST', body: REQUEST }]);
  });

  it("passes the hub's error code and message through", async () => {
    const hubUrl = await hub((_request, _body, response) =>
      json(response, 401, {
        error: { code: 'ENROLMENT_REFUSED', message: 'The enrolment token was refused' },
      }),
    );
    expect(await enrol({ hubUrl, request: REQUEST })).toEqual({
      ok: false,
      code: 'ENROLMENT_REFUSED',
      status: 401,
      message: 'The enrolment token was refused',
    });
  });

  it('reports an answer that is not an enrolment as BAD_RESPONSE', async () => {
    const hubUrl = await hub((_request, _body, response) => json(response, 201, { agentId: 'x' }));
    expect(await enrol({ hubUrl, request: REQUEST })).toMatchObject({
      ok: false,
      code: 'BAD_RESPONSE',
      status: 201,
    });
  });

  it('reports an error page without JSON as BAD_RESPONSE with the status', async () => {
    const hubUrl = await hub((_request, _body, response) =>
      response.writeHead(502).end('<html>Bad gateway</html>'),
    );
    expect(await enrol({ hubUrl, request: REQUEST })).toMatchObject({
      ok: false,
      code: 'BAD_RESPONSE',
      status: 502,
    });
  });

  it('does not follow redirects, and says where they point', async () => {
    const hubUrl = await hub((_request, _body, response) =>
      response.writeHead(301, { location: 'https://hub.example.com/api/v1/enrol' }).end(),
    );
    const result = await enrol({ hubUrl, request: REQUEST });
    expect(result).toMatchObject({ ok: false, code: 'BAD_RESPONSE', status: 301 });
    expect(!result.ok && result.message).toContain('https://hub.example.com/api/v1/enrol');
  });

  it('reports an unreachable hub as NETWORK_ERROR', async () => {
    const hubUrl = await hub(() => {});
    const port = new URL(hubUrl).port;
    const server = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const result = await enrol({ hubUrl: `http://127.0.0.1:${port}`, request: REQUEST });
    expect(result).toMatchObject({ ok: false, code: 'NETWORK_ERROR' });
    expect(!result.ok && result.message).toContain('ECONNREFUSED');
  });

  it('gives up on a hub that does not answer in time', async () => {
    const hubUrl = await hub(() => {});
    const result = await enrol({ hubUrl, request: REQUEST, timeoutMs: 100 });
    expect(result).toMatchObject({
      ok: false,
      code: 'NETWORK_ERROR',
      message: expect.stringContaining('no answer'),
    });
  });
});
