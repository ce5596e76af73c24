import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { IncidentView, TimelineEvent } from '../support/hub-fixture.js';
import {
  AGENT_BIN,
  HUB_BIN,
  pollUntil,
  type RunningProcess,
  runCli,
  startProcess,
  stopAll,
} from '../support/processes.js';

// Follows the README's five-minute tour as written: the commands come from its code blocks, so a
// command the README changes is the command this test runs, and a step it cannot follow fails.

const README = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'vigie-readme-tour-'));

afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** The tour section: from its heading to the next `## `. */
function tourSection(markdown: string): string {
  const start = markdown.indexOf('## A five-minute tour');
  if (start < 0) throw new Error('the README has no "A five-minute tour" section');
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** Each command of the tour's `sh` blocks: continuation lines joined, trailing comments dropped. */
function tourCommands(section: string): string[] {
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line !== '');
}

/** Shell words: single and double quotes group and are removed (no expansion inside). */
function words(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let started = false;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

/** What `curl` in the tour asks for: method, URL and body (headers are the admin token's). */
function curlRequest(args: string[]): { method: string; url: string; body?: string } {
  let method = 'GET';
  let url: string | undefined;
  let body: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-X') method = args[++i] ?? '';
    else if (arg === '-d') body = args[++i];
    else if (arg === '-H') i++;
    else if (arg.startsWith('$HUB')) url = arg;
    else if (arg !== '-s') throw new Error(`the tour's curl has an option this test does not follow: ${arg}`);
  }
  if (url === undefined) throw new Error(`a curl of the tour names no $HUB URL: ${args.join(' ')}`);
  return { method, url, ...(body !== undefined && { body }) };
}

describe('the README tour', () => {
  it('goes from an empty hub to an acknowledged ticket, command by command', {
    timeout: 180_000,
  }, async () => {
    const section = tourSection(README);
    const commands = tourCommands(section);
    const followed: string[] = [];
    let hub: RunningProcess | undefined;
    let hubUrl = '';
    let apiToken = '';
    let consolePassword = '';
    let enrolmentToken = '';
    let hostId = '';
    let incidentId = '';
    let session = '';

    /** Paths under `var/` land in this test's directory; placeholders become what earlier steps got. */
    const local = (arg: string) =>
      arg
        .replace(/^var\//, `${dir}/var/`)
        .replaceAll('$HUB', hubUrl)
        .replaceAll('vge_…', enrolmentToken)
        .replaceAll('hst_…', hostId)
        .replaceAll('inc_…', incidentId);

    async function api<T>(method: string, path: string, body?: string): Promise<{ status: number; body: T }> {
      const res = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body }),
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
    }

    async function curl(args: string[]): Promise<void> {
      const request = curlRequest(args);
      const url = local(request.url);
      const path = new URL(url).pathname;
      if (request.method === 'POST' && path === '/api/v1/enrolment-tokens') {
        const created = await api<{ token: string }>('POST', url, request.body);
        expect(created.status).toBe(201);
        expect(created.body.token).toMatch(/^vge_/);
        enrolmentToken = created.body.token;
        followed.push('enrolment token');
      } else if (request.method === 'GET' && path === '/api/v1/hosts') {
        const { body } = await api<{ hosts: { id: string; online: boolean; client: string }[] }>('GET', url);
        expect(body.hosts).toHaveLength(1);
        hostId = body.hosts[0]?.id ?? '';
        expect(hostId).toMatch(/^hst_/);
        followed.push('host id');
      } else if (request.method === 'PUT' && path.startsWith('/api/v1/policies/hosts/')) {
        const saved = await api<{ pushedTo: number }>('PUT', url, request.body);
        expect(saved.status).toBe(200);
        followed.push('host policy');
      } else if (request.method === 'GET' && path === '/api/v1/incidents') {
        // "with its next sample": the reader runs this again until the ticket shows.
        const ticket = await pollUntil(
          async () => {
            const { body } = await api<{ incidents: (IncidentView & { parent_id: string | null })[] }>(
              'GET',
              url,
            );
            return body.incidents.find(
              (i) => i.check === 'fs.usage' && i.parent_id === null && i.state === 'new',
            );
          },
          90_000,
          'an fs.usage ticket',
        );
        expect(ticket.level).toBe('N1');
        incidentId = ticket.id;
        // "opens in the N1 queue": the signed-in console lists it there.
        const queue = await fetch(`${hubUrl}/console/queue/N1`, { headers: { cookie: session } });
        expect(await queue.text()).toContain(`/console/incidents/${encodeURIComponent(ticket.id)}`);
        followed.push('ticket open');
      } else if (request.method === 'POST' && /^\/api\/v1\/incidents\/[^/]+\/acknowledge$/.test(path)) {
        const acknowledged = await api<{ incident: IncidentView }>('POST', url, request.body);
        expect(acknowledged.status).toBe(200);
        followed.push('acknowledged');
      } else {
        throw new Error(`the tour calls ${request.method} ${path}, which this test does not follow`);
      }
    }

    for (const command of commands) {
      const [program, ...args] = words(command);
      if (command === 'npm ci && npm run build') continue; // the e2e project runs on a build
      if (/^(HUB|TOKEN)=/.test(command)) {
        if (command.startsWith('HUB=')) expect(command).toBe('HUB=http://127.0.0.1:8420');
        continue;
      }
      if (program === 'curl') {
        await curl(args);
        continue;
      }
      if (program === 'node' && args[0] === 'hub/bin/vigie-hub.js') {
        // The tour's own flags, on a free loopback port instead of 8420.
        hub = startProcess(HUB_BIN, [...args.slice(1).map(local), '--host', '127.0.0.1', '--port', '0']);
        hubUrl = (await hub.waitFor(/listening (http:\/\/\S+)/))[1] ?? '';
        apiToken = hub.output().match(/API token\s+(\S+)/)?.[1] ?? '';
        consolePassword = hub.output().match(/console password\s+(\S+)/)?.[1] ?? '';
        expect(apiToken).toMatch(/^vga_/);
        expect(consolePassword.length).toBeGreaterThanOrEqual(10);
        followed.push('hub started');
        session = await signIn(hubUrl, consolePassword);
        followed.push('signed in');
        continue;
      }
      if (program === 'node' && args[0] === 'agent/bin/vigie-agent.js' && args[1] === 'enroll') {
        const enrolled = await runCli(AGENT_BIN, args.slice(1).map(local));
        expect(enrolled.code, enrolled.output).toBe(0);
        followed.push('enrolled');
        continue;
      }
      if (program === 'node' && args[0] === 'agent/bin/vigie-agent.js' && args[1] === 'run') {
        startProcess(AGENT_BIN, args.slice(1).map(local));
        // "Within a few seconds the host appears, online ... under client demo."
        await pollUntil(
          async () => {
            const { body } = await api<{ hosts: { online: boolean; health: unknown; client: string }[] }>(
              'GET',
              `${hubUrl}/api/v1/hosts`,
            );
            return body.hosts.find((h) => h.online && h.health !== null && h.client === 'demo');
          },
          30_000,
          'the second agent reporting',
        );
        followed.push('agent running');
        continue;
      }
      throw new Error(`the tour runs a command this test does not follow: ${command}`);
    }

    expect(followed).toEqual([
      'hub started',
      'signed in',
      'enrolment token',
      'enrolled',
      'agent running',
      'host id',
      'host policy',
      'ticket open',
      'acknowledged',
    ]);

    // What step 6 says the reader sees: acknowledged, and the timeline names who did it.
    const { body } = await api<{ incident: IncidentView; timeline: TimelineEvent[] }>(
      'GET',
      `${hubUrl}/api/v1/incidents/${incidentId}`,
    );
    expect(body.incident.state).toBe('acknowledged');
    expect(body.timeline).toContainEqual(
      expect.objectContaining({ kind: 'acknowledged', actor: 'user:admin' }),
    );
  });

  it('names in its prose what the test checks by hand', () => {
    const section = tourSection(README);
    for (const text of ['API token', 'console password', '/console', '`admin`', 'N1 queue', '`acknowledged`'])
      expect(section).toContain(text);
  });
});

/** Step 2 over HTTP: the sign-in form, as a browser posts it, then the N1 queue; the session cookie. */
async function signIn(hubUrl: string, password: string): Promise<string> {
  const form = await fetch(`${hubUrl}/console/sign-in`);
  const preSession = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = (await form.text()).match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
  const signedIn = await fetch(`${hubUrl}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: preSession },
    body: new URLSearchParams({ username: 'admin', password, _csrf: csrf, next: '/console' }),
  });
  expect(signedIn.status).toBe(303);
  const session = signedIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const queue = await fetch(`${hubUrl}/console/queue/N1`, { headers: { cookie: session } });
  expect(queue.status).toBe(200);
  return session;
}
