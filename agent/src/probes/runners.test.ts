// Over 300 lines: the five runners share one openssl certificate (made once, slow) and the local listen/closedPort servers.
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAllowList, probeSpecSchema } from '@vigie/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeDns } from './dns.js';
import { probeHttp } from './http.js';
import { icmpAllowed, parsePingOutput, pingArgs, probePing, systemPing } from './ping.js';
import { runProbe } from './run-probe.js';
import { probeTcp } from './tcp.js';
import { probeTls } from './tls.js';

const DAY = 86_400_000;
let dir: string;
let tlsKey: Buffer;
let tlsCert: Buffer;
let closers: Array<() => Promise<void>> = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-probes-'));
  // A self-signed certificate that ends in 5 days, made the way an admin would.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '5',
      '-subj',
      '/CN=intranet.lab',
    ],
    { stdio: 'pipe' },
  );
  tlsKey = readFileSync(join(dir, 'key.pem'));
  tlsCert = readFileSync(join(dir, 'cert.pem'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function listen(server: Server | HttpServer, port = 0): Promise<number> {
  // Connections are destroyed on close: a probe's half-closed socket must not hold the test up.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((done) => {
        server.close(() => done());
        for (const socket of sockets) socket.destroy();
      }),
  );
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** A port nothing listens on (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('tcp probe', () => {
  it('is ok with a latency when the port accepts', async () => {
    const port = await listen(createServer((socket) => socket.destroy()));
    const finding = await probeTcp({ host: '127.0.0.1', port, timeoutMs: 1000 });
    expect(finding).toMatchObject({ outcome: 'ok', method: 'tcp', lossPct: 0 });
    expect(finding.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('fails with ECONNREFUSED on a closed port', async () => {
    const finding = await probeTcp({ host: '127.0.0.1', port: await closedPort(), timeoutMs: 1000 });
    expect(finding).toMatchObject({ outcome: 'fail', lossPct: 100, latencyMs: null, error: 'ECONNREFUSED' });
  });
});

describe('ping probe', () => {
  it('reads iputils, BusyBox, macOS and Windows summaries', () => {
    expect(
      parsePingOutput(
        '3 packets transmitted, 2 received, 33.3333% packet loss, time 402ms\nrtt min/avg/max/mdev = 0.041/0.052/0.063/0.011 ms',
      ),
    ).toEqual({ transmitted: 3, received: 2, avgMs: 0.052 });
    expect(
      parsePingOutput(
        '3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min/avg/max = 0.1/0.2/0.3 ms',
      ),
    ).toEqual({ transmitted: 3, received: 3, avgMs: 0.2 });
    expect(
      parsePingOutput(
        'Packets: Sent = 4, Received = 4, Lost = 0 (0% loss),\n    Minimum = 1ms, Maximum = 3ms, Average = 2ms',
      ),
    ).toEqual({ transmitted: 4, received: 4, avgMs: 2 });
    expect(parsePingOutput('3 packets transmitted, 0 received, 100% packet loss')).toEqual({
      transmitted: 3,
      received: 0,
      avgMs: null,
    });
    expect(parsePingOutput('ping: socket: Operation not permitted')).toBeUndefined();
  });

  it('builds each platform’s arguments with the host last', () => {
    expect(pingArgs('linux', '10.0.0.1', 3, 2500)).toEqual([
      '-n',
      '-c',
      '3',
      '-i',
      '0.2',
      '-w',
      '3',
      '10.0.0.1',
    ]);
    expect(pingArgs('win32', '10.0.0.1', 2, 800)).toEqual(['-n', '2', '-w', '800', '10.0.0.1']);
  });

  it('runs the ping command without a shell and reads its loss and average', async () => {
    const script = join(dir, 'fake-ping.sh');
    writeFileSync(
      script,
      `#!/bin/sh\nprintf '%s ' "$@" > "${join(dir, 'ping-args')}"\necho "3 packets transmitted, 2 received, 33% packet loss"\necho "rtt min/avg/max/mdev = 1.0/2.5/4.0/1.0 ms"\nexit 1\n`,
    );
    chmodSync(script, 0o755);
    const ping = systemPing(script);
    const finding = await probePing(
      { host: '10.0.0.1', count: 3, fallbackPort: 443, timeoutMs: 1000 },
      { ping, icmp: async () => true, platform: 'linux' },
    );
    expect(finding).toEqual({ outcome: 'ok', method: 'icmp', latencyMs: 2.5, lossPct: 33.3 });
    expect(readFileSync(join(dir, 'ping-args'), 'utf8').trim()).toBe('-n -c 3 -i 0.2 -w 1 10.0.0.1');
  });

  it('knows ICMP is not allowed when there is no ping to run', async () => {
    const allowed = icmpAllowed(systemPing(join(dir, 'no-such-ping')));
    expect(await allowed()).toBe(false);
  });

  it('falls back to TCP connects: an accept or a refusal both mean the host answers', async () => {
    const open = await listen(createServer((socket) => socket.destroy()));
    const deps = { ping: systemPing(join(dir, 'no-such-ping')), icmp: async () => false };
    const accepted = await probePing(
      { host: '127.0.0.1', count: 2, fallbackPort: open, timeoutMs: 1000 },
      deps,
    );
    expect(accepted).toMatchObject({ outcome: 'ok', method: 'tcp', lossPct: 0 });
    const refused = await probePing(
      { host: '127.0.0.1', count: 2, fallbackPort: await closedPort(), timeoutMs: 1000 },
      deps,
    );
    expect(refused).toMatchObject({ outcome: 'ok', method: 'tcp', lossPct: 0 });
  });
});

describe('http probe', () => {
  let hits: string[] = [];
  async function site(): Promise<number> {
    hits = [];
    return listen(
      createHttpServer((req, res) => {
        hits.push(req.url ?? '');
        if (req.url === '/ok') res.end('<title>intranet</title> all good');
        else if (req.url === '/moved') res.writeHead(302, { location: '/elsewhere' }).end();
        else if (req.url === '/broken') res.writeHead(500).end('oops');
        else if (req.url === '/slow')
          return; // never answers
        else res.writeHead(404).end();
      }),
    );
  }

  it('is ok when the status is accepted and the body holds the match', async () => {
    const port = await site();
    const finding = await probeHttp({
      url: `http://127.0.0.1:${port}/ok`,
      expectStatus: [],
      bodyMatch: 'all good',
      tlsVerify: true,
      timeoutMs: 1000,
    });
    expect(finding).toMatchObject({ outcome: 'ok', method: 'http', status: 200, lossPct: 0 });
  });

  it('fails on a status outside the accepted ones, and on a body without the match', async () => {
    const port = await site();
    const base = { expectStatus: [], tlsVerify: true, timeoutMs: 1000 };
    expect(await probeHttp({ ...base, url: `http://127.0.0.1:${port}/broken` })).toMatchObject({
      outcome: 'fail',
      status: 500,
      error: 'STATUS',
    });
    expect(
      await probeHttp({ ...base, url: `http://127.0.0.1:${port}/ok`, bodyMatch: 'maintenance' }),
    ).toMatchObject({ outcome: 'fail', status: 200, error: 'BODY_MISMATCH' });
    expect(
      await probeHttp({ ...base, url: `http://127.0.0.1:${port}/ok`, expectStatus: [204] }),
    ).toMatchObject({
      outcome: 'fail',
      error: 'STATUS',
    });
  });

  it('does not follow a redirect', async () => {
    const port = await site();
    const finding = await probeHttp({
      url: `http://127.0.0.1:${port}/moved`,
      expectStatus: [302],
      tlsVerify: true,
      timeoutMs: 1000,
    });
    expect(finding).toMatchObject({ outcome: 'ok', status: 302 });
    expect(hits).toEqual(['/moved']);
  });

  it('gives up after its timeout', async () => {
    const port = await site();
    const finding = await probeHttp({
      url: `http://127.0.0.1:${port}/slow`,
      expectStatus: [],
      tlsVerify: true,
      timeoutMs: 200,
    });
    expect(finding).toMatchObject({ outcome: 'fail', error: 'TIMEOUT', latencyMs: null });
  });

  it('reads the certificate’s end over https, and refuses an untrusted one when asked to verify', async () => {
    const port = await listen(
      createHttpsServer({ key: tlsKey, cert: tlsCert }, (_req, res) => res.end('ok')),
    );
    const url = `https://127.0.0.1:${port}/`;
    const relaxed = await probeHttp({ url, expectStatus: [], tlsVerify: false, timeoutMs: 2000 });
    expect(relaxed).toMatchObject({ outcome: 'ok', status: 200 });
    const daysLeft = ((relaxed.certNotAfter ?? 0) - Date.now()) / DAY;
    expect(daysLeft).toBeGreaterThan(4);
    expect(daysLeft).toBeLessThanOrEqual(5);
    const strict = await probeHttp({ url, expectStatus: [], tlsVerify: true, timeoutMs: 2000 });
    expect(strict).toMatchObject({ outcome: 'fail', error: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });
});

describe('tls probe', () => {
  it('reads a self-signed certificate’s end of validity and says it is not trusted', async () => {
    const port = await listen(createHttpsServer({ key: tlsKey, cert: tlsCert }, (_req, res) => res.end()));
    const finding = await probeTls({ host: '127.0.0.1', port, servername: 'intranet.lab', timeoutMs: 2000 });
    expect(finding).toMatchObject({ outcome: 'ok', method: 'tls', lossPct: 0 });
    const daysLeft = ((finding.certNotAfter ?? 0) - Date.now()) / DAY;
    expect(daysLeft).toBeGreaterThan(4);
    expect(daysLeft).toBeLessThanOrEqual(5);
    expect(finding.message).toMatch(/not trusted here/);
  });

  it('fails on a closed port and on a server that does not speak TLS', async () => {
    expect(await probeTls({ host: '127.0.0.1', port: await closedPort(), timeoutMs: 1000 })).toMatchObject({
      outcome: 'fail',
      error: 'ECONNREFUSED',
    });
    const plain = await listen(createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n')));
    const finding = await probeTls({ host: '127.0.0.1', port: plain, timeoutMs: 1000 });
    expect(finding.outcome).toBe('fail');
    expect(finding.certNotAfter).toBeUndefined();
  });
});

/** A DNS server on loopback answering A queries from a table (NXDOMAIN otherwise). */
async function dnsServer(records: Record<string, string>): Promise<number> {
  const socket: UdpSocket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    const labels: string[] = [];
    let offset = 12;
    while (query[offset] !== 0) {
      const length = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const question = query.subarray(12, offset + 5);
    const address = records[labels.join('.').toLowerCase()];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    header.writeUInt16BE(address ? 0x8180 : 0x8183, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(address ? 1 : 0, 6);
    const answer = address
      ? Buffer.concat([
          Buffer.from([0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04]),
          Buffer.from(address.split('.').map(Number)),
        ])
      : Buffer.alloc(0);
    socket.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((done) => socket.close(() => done())));
  return socket.address().port;
}

describe('dns probe', () => {
  it('resolves at the given server and checks the expected addresses', async () => {
    const port = await dnsServer({ 'intranet.lab': '10.9.8.7' });
    const server = { host: '127.0.0.1', port };
    const base = { query: 'intranet.lab', recordType: 'A' as const, server, timeoutMs: 1000 };
    expect(await probeDns({ ...base, expect: ['10.9.8.7'] })).toMatchObject({
      outcome: 'ok',
      method: 'dns',
      addresses: ['10.9.8.7'],
    });
    expect(await probeDns({ ...base, expect: ['10.0.0.1'] })).toMatchObject({
      outcome: 'fail',
      error: 'UNEXPECTED_ANSWER',
      addresses: ['10.9.8.7'],
    });
  });

  it('fails with the resolver’s code for a name that does not exist', async () => {
    const port = await dnsServer({});
    const finding = await probeDns({
      query: 'gone.lab',
      recordType: 'A',
      server: { host: '127.0.0.1', port },
      expect: [],
      timeoutMs: 1000,
    });
    expect(finding).toMatchObject({ outcome: 'fail', error: 'ENOTFOUND', latencyMs: null });
  });
});

describe('running a probe', () => {
  it('refuses a target outside the site’s allowlist without touching it', async () => {
    let connections = 0;
    const port = await listen(
      createServer((socket) => {
        connections += 1;
        socket.destroy();
      }),
    );
    const spec = probeSpecSchema.parse({
      id: 'prb_1',
      kind: 'tcp',
      host: '127.0.0.1',
      port,
      intervalSec: 5,
      timeoutMs: 500,
    });
    const ping = { ping: systemPing(join(dir, 'no-such-ping')), icmp: async () => false };
    const refused = await runProbe(spec, createAllowList(['10.0.0.0/8']), ping);
    expect(refused).toMatchObject({ outcome: 'refused', error: 'TARGET_NOT_ALLOWED' });
    expect(connections).toBe(0);
    expect(await runProbe(spec, createAllowList(['127.0.0.1']), ping)).toMatchObject({ outcome: 'ok' });
    expect(connections).toBe(1);
  });
});
