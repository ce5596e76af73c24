import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUserWithToken } from '../../access/create-user.js';
import { createArtefactStore } from '../../artefacts/artefact-store.js';
import type { HubDeps } from '../../config/deps.js';
import { createEnrolmentToken } from '../../enrolment/create-enrolment-token.js';
import { createTestDeps, testHubServices } from '../../test-support/test-hub.js';
import { createApp } from '../app.js';

const run = promisify(execFile);
const BUNDLE = '// vigie-agent bundle\n';
const BUNDLE_SHA = createHash('sha256').update(BUNDLE).digest('hex');
const HOSTILE_HOST = "x'$(touch$IFS.pwned)'`id`;$HOME.example";

let dir: string;
let deps: HubDeps;
let app: ReturnType<typeof createApp>;
let admin: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigie-artefacts-'));
  await writeFile(join(dir, 'vigie-agent.mjs'), BUNDLE);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: '9.8.7' }));
  deps = await createTestDeps(() => 1_764_000_000_000);
  app = createApp(testHubServices(deps, { artefacts: createArtefactStore(dir) }));
  const a = await createUserWithToken(deps, { name: 'admin', role: 'admin' });
  if (!a.ok) throw new Error('admin');
  admin = a.token;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('agent artefacts', () => {
  it('lists what the hub serves with version, size and sha256, without authentication', async () => {
    const res = await app.request('/api/v1/agent/artefacts');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      version: '9.8.7',
      artefacts: [
        {
          name: 'vigie-agent.mjs',
          kind: 'script',
          platform: 'any',
          arch: 'any',
          version: '9.8.7',
          size: BUNDLE.length,
          sha256: BUNDLE_SHA,
          url: '/downloads/vigie-agent.mjs',
        },
      ],
    });
  });

  it('serves the bytes with the sha256 as ETag, and 304 when it has not changed', async () => {
    const res = await app.request('/downloads/vigie-agent.mjs');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(BUNDLE);
    expect(res.headers.get('etag')).toBe(`"${BUNDLE_SHA}"`);
    expect(res.headers.get('x-checksum-sha256')).toBe(BUNDLE_SHA);
    const again = await app.request('/downloads/vigie-agent.mjs', {
      headers: { 'if-none-match': `"${BUNDLE_SHA}"` },
    });
    expect(again.status).toBe(304);
  });

  it('serves nothing else from the directory', async () => {
    expect((await app.request('/downloads/manifest.json')).status).toBe(404);
    expect((await app.request('/downloads/..%2Fpackage.json')).status).toBe(404);
    expect((await app.request('/downloads/vigie-agent-linux-x64')).status).toBe(404);
  });
});

describe('install scripts', () => {
  it('serves an install.sh that sh -n accepts, with the hub URL and the bundle sum baked in', async () => {
    const res = await app.request('http://hub.example:8420/install.sh');
    expect(res.status).toBe(200);
    const script = await res.text();
    expect(script).toContain("HUB='http://hub.example:8420'");
    expect(script).toContain(`BUNDLE_SHA256='${BUNDLE_SHA}'`);
    await writeFile(join(dir, 'install.sh'), script);
    await run('sh', ['-n', join(dir, 'install.sh')]);
  });

  it('quotes a hostile Host so the script only ever holds it as data', async () => {
    const res = await app.request(`http://${HOSTILE_HOST}/install.sh`);
    const script = await res.text();
    const line = script.split('\n').find((candidate) => candidate.startsWith('HUB='));
    await writeFile(join(dir, 'hub.sh'), `${line}\nprintf %s "$HUB"`);
    const { stdout } = await run('sh', [join(dir, 'hub.sh')]);
    expect(stdout).toBe(new URL(`http://${HOSTILE_HOST}`).origin);
    expect((await app.request(`http://${HOSTILE_HOST}/install.ps1`)).status).toBe(200);
  });

  it('refuses a token in the URL, where logs would keep it', async () => {
    const res = await app.request('/install.sh?token=vet_0123456789abcdef');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not in the URL/);
  });

  it('serves install.ps1 with the hub URL and sum in single-quoted strings', async () => {
    const script = await (await app.request('http://hub.example/install.ps1')).text();
    expect(script).toContain("$Hub = 'http://hub.example'");
    expect(script).toContain(`$BundleSha256 = '${BUNDLE_SHA}'`);
  });
});

interface CommandsView {
  exact: boolean;
  placeholder?: string;
  commands: { linux: string; macos: string; windows: string; windowsCmd: string };
}

describe('GET/POST /api/v1/enrolment-tokens/:id/install-commands', () => {
  it('shows the commands with a placeholder, and the exact ones for the matching token', async () => {
    const created = await createEnrolmentToken(deps, {
      client: 'acme',
      site: 'paris',
      role: 'server',
      maxUses: 10,
      ttlMs: 3_600_000,
    });
    const auth = { authorization: `Bearer ${admin}` };
    const url = `http://hub.example/api/v1/enrolment-tokens/${created.id}/install-commands`;
    const shown = (await (await app.request(url, { headers: auth })).json()) as CommandsView;
    expect(shown).toMatchObject({ exact: false, placeholder: '<TOKEN>' });
    expect(shown.commands.linux).toBe(
      "curl -fsSL 'http://hub.example/install.sh' | sudo sh -s -- --token '<TOKEN>' --role 'server'",
    );

    const exact = await app.request(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ token: created.token }),
    });
    const body = (await exact.json()) as CommandsView;
    expect(body.exact).toBe(true);
    expect(body.commands.linux).toContain(`--token '${created.token}'`);
    expect(body.commands.windows).toBe(
      `$env:VIGIE_ENROLMENT_TOKEN='${created.token}'; $env:VIGIE_ROLE='server'; irm 'http://hub.example/install.ps1' | iex`,
    );
    const decoded = Buffer.from(body.commands.windowsCmd.split(' ').at(-1) ?? '', 'base64').toString(
      'utf16le',
    );
    expect(decoded).toBe(body.commands.windows);

    const wrong = await app.request(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'vet_not-the-right-one-at-all' }),
    });
    expect(wrong.status).toBe(400);
    expect((await app.request(url)).status).toBe(401);
  });
});
