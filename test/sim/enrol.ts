import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { enrolResponseSchema } from '@vigie/shared';
import { planFleet, type SimHostPlan } from './fleet-plan.js';
import type { SimAgentIdentity } from './sim-agent.js';

export interface EnrolFleetOptions {
  readonly hubUrl: string;
  readonly token: string | undefined;
  readonly agents: number;
  readonly client: string;
  readonly sites: number;
  readonly credentialsFile: string;
  readonly fresh: boolean;
  readonly concurrency: number;
}

export type EnrolFleetResult =
  | {
      readonly ok: true;
      readonly agents: readonly SimAgentIdentity[];
      /** True when the credentials came from the cache file and nothing was enrolled. */
      readonly cached: boolean;
      readonly durationMs: number;
    }
  | { readonly ok: false; readonly error: string };

interface CredentialsFile {
  readonly version: 1;
  readonly hub: string;
  readonly client: string;
  readonly sites: number;
  readonly agents: readonly SimAgentIdentity[];
}

const ATTEMPTS = 3;

/** `var/sim-credentials-<hub host>-<N>.json`, relative to the working directory (the repo root under npm). */
export function defaultCredentialsFile(hubUrl: string, agents: number): string {
  const host = new URL(hubUrl).host.replace(/[^A-Za-z0-9.-]/g, '_');
  return join('var', `sim-credentials-${host}-${agents}.json`);
}

/** The cached fleet if the file exists and was written for this hub, client, size and sites. */
async function readCache(options: EnrolFleetOptions): Promise<readonly SimAgentIdentity[] | undefined> {
  let parsed: Partial<CredentialsFile>;
  try {
    parsed = JSON.parse(await readFile(options.credentialsFile, 'utf8')) as Partial<CredentialsFile>;
  } catch {
    return undefined;
  }
  const plan = planFleet(options.client, options.agents, options.sites);
  const agents = parsed.agents;
  if (
    parsed.version !== 1 ||
    parsed.hub !== options.hubUrl ||
    parsed.client !== options.client ||
    parsed.sites !== options.sites ||
    !Array.isArray(agents) ||
    agents.length !== options.agents
  )
    return undefined;
  // Hosts come from the plan (the code may have changed how they look); the file lends credentials.
  const out: SimAgentIdentity[] = [];
  for (const host of plan) {
    const saved = agents[host.index] as Partial<SimAgentIdentity> | undefined;
    const credential = enrolResponseSchema.safeParse(saved);
    if (!credential.success || saved?.fingerprint !== host.fingerprint) return undefined;
    out.push({ ...host, ...credential.data });
  }
  return out;
}

async function writeCache(options: EnrolFleetOptions, agents: readonly SimAgentIdentity[]): Promise<void> {
  const file: CredentialsFile = {
    version: 1,
    hub: options.hubUrl,
    client: options.client,
    sites: options.sites,
    agents,
  };
  await mkdir(dirname(options.credentialsFile), { recursive: true });
  // Write then rename, so an interrupted run never leaves a truncated cache behind.
  const temporary = `${options.credentialsFile}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(file), { mode: 0o600 });
  await rename(temporary, options.credentialsFile);
}

async function postJson(
  url: string,
  body: unknown,
  bearer?: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Keep the raw text: it goes into the error message.
  }
  return { status: response.status, body: parsed };
}

const describe = (body: unknown) =>
  typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body).slice(0, 200);

/** One enrolment token per site, for exactly as many uses as the site has hosts. */
async function createSiteTokens(
  options: EnrolFleetOptions,
  plan: readonly SimHostPlan[],
): Promise<{ ok: true; tokens: Map<string, string> } | { ok: false; error: string }> {
  if (!options.token)
    return { ok: false, error: `--token is required to enrol (no usable ${options.credentialsFile})` };
  const perSite = new Map<string, number>();
  for (const host of plan) perSite.set(host.site, (perSite.get(host.site) ?? 0) + 1);
  const tokens = new Map<string, string>();
  for (const [site, uses] of perSite) {
    const created = await postJson(
      `${options.hubUrl}/api/v1/enrolment-tokens`,
      { client: options.client, site, maxUses: uses, ttlHours: 1, note: 'fleet simulator' },
      options.token,
    );
    const token = (created.body as { token?: unknown }).token;
    if (created.status !== 201 || typeof token !== 'string')
      return {
        ok: false,
        error: `creating the enrolment token for ${site}: HTTP ${created.status} ${describe(created.body)}`,
      };
    tokens.set(site, token);
  }
  return { ok: true, tokens };
}

async function enrolOne(
  hubUrl: string,
  token: string,
  host: SimHostPlan,
): Promise<SimAgentIdentity | string> {
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      const result = await postJson(`${hubUrl}/api/v1/enrol`, {
        token,
        fingerprint: host.fingerprint,
        hostname: host.hostname,
        os: host.os,
        role: host.role,
      });
      const credential = enrolResponseSchema.safeParse(result.body);
      if (result.status === 201 && credential.success) return { ...host, ...credential.data };
      last = `HTTP ${result.status} ${describe(result.body)}`;
      // A 4xx is the hub's considered answer (token used up, bad request): retrying will not help.
      if (result.status < 500) break;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  return `${host.hostname}: ${last}`;
}

/**
 * The fleet's credentials: from the cache file when it matches this hub, client, size and sites,
 * otherwise enrolled through the real HTTP API (`concurrency` requests in flight) and cached.
 */
export async function enrolFleet(options: EnrolFleetOptions, clock: () => number): Promise<EnrolFleetResult> {
  const started = clock();
  if (!options.fresh) {
    const cached = await readCache(options);
    if (cached) return { ok: true, agents: cached, cached: true, durationMs: clock() - started };
  }
  const plan = planFleet(options.client, options.agents, options.sites);
  const tokens = await createSiteTokens(options, plan);
  if (!tokens.ok) return tokens;

  const enrolled: (SimAgentIdentity | undefined)[] = new Array(plan.length);
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < plan.length && failures.length === 0) {
      const host = plan[next]!;
      next += 1;
      const outcome = await enrolOne(options.hubUrl, tokens.tokens.get(host.site)!, host);
      if (typeof outcome === 'string') failures.push(outcome);
      else enrolled[host.index] = outcome;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, plan.length) }, worker));
  if (failures.length > 0) return { ok: false, error: `enrolment failed: ${failures[0]}` };

  const agents = enrolled as SimAgentIdentity[];
  try {
    await writeCache(options, agents);
  } catch (error) {
    return { ok: false, error: `enrolled, but could not write ${options.credentialsFile}: ${String(error)}` };
  }
  return { ok: true, agents, cached: false, durationMs: clock() - started };
}
