import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The agent artefacts a hub may serve: the single-file build (CommonJS, what installers fetch, and
 * the same as an ES module for agents installed before decision 0043), the Linux x64 single
 * executable, and WinSW, the wrapper that runs the agent as a Windows service (decision 0022; not an
 * agent update). The ES module comes first: agents before 0043 update to the first script announced.
 */
export const ARTEFACTS = {
  'vigie-agent.mjs': { kind: 'script', platform: 'any', arch: 'any', contentType: 'text/javascript' },
  'vigie-agent.cjs': { kind: 'script', platform: 'any', arch: 'any', contentType: 'text/javascript' },
  'vigie-agent-linux-x64': {
    kind: 'binary',
    platform: 'linux',
    arch: 'x64',
    contentType: 'application/octet-stream',
  },
  'winsw.exe': {
    kind: 'service-wrapper',
    platform: 'win32',
    arch: 'any',
    contentType: 'application/octet-stream',
  },
} as const;
export type ArtefactName = keyof typeof ARTEFACTS;

/**
 * The single-file build an install script fetches: the CommonJS one (decision 0043), or the ES module
 * when the agent's build served is older than it.
 */
export function installerBundle<T extends { readonly name: string }>(artefacts: readonly T[]): T | undefined {
  return (
    artefacts.find((artefact) => artefact.name === 'vigie-agent.cjs') ??
    artefacts.find((artefact) => artefact.name === 'vigie-agent.mjs')
  );
}

/** One artefact on disk, with what an installer needs to verify it. */
export interface Artefact {
  readonly name: ArtefactName;
  readonly kind: (typeof ARTEFACTS)[ArtefactName]['kind'];
  readonly platform: string;
  readonly arch: string;
  readonly version: string;
  readonly size: number;
  readonly sha256: string;
  readonly path: string;
}

export interface ArtefactStore {
  readonly dir: string;
  /** The artefacts present now; hashed once per file version (size + mtime). */
  list(): Promise<Artefact[]>;
  get(name: string): Promise<Artefact | undefined>;
}

/** agent/dist-bundle of this checkout: where `npm run build` puts the artefacts the hub was built with. */
export const DEFAULT_ARTEFACTS_DIR = fileURLToPath(new URL('../../../agent/dist-bundle/', import.meta.url));

function isArtefactName(name: string): name is ArtefactName {
  return Object.hasOwn(ARTEFACTS, name);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Artefacts in `dir`; the version comes from the manifest the agent's build writes beside them. */
export function createArtefactStore(dir: string = DEFAULT_ARTEFACTS_DIR): ArtefactStore {
  // The hub hashes the files itself rather than trusting the manifest's sums: it serves the bytes.
  const cache = new Map<ArtefactName, { key: string; sha256: string }>();

  async function version(): Promise<string> {
    try {
      const manifest: unknown = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
      const value = (manifest as { version?: unknown }).version;
      return typeof value === 'string' ? value : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  async function describe(name: ArtefactName, agentVersion: string): Promise<Artefact | undefined> {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const key = `${info.size}:${info.mtimeMs}`;
    let cached = cache.get(name);
    if (cached?.key !== key) {
      cached = { key, sha256: await sha256Of(path) };
      cache.set(name, cached);
    }
    const { kind, platform, arch } = ARTEFACTS[name];
    return {
      name,
      kind,
      platform,
      arch,
      version: agentVersion,
      size: info.size,
      sha256: cached.sha256,
      path,
    };
  }

  return {
    dir,
    async list() {
      const agentVersion = await version();
      const found = await Promise.all(
        (Object.keys(ARTEFACTS) as ArtefactName[]).map((name) => describe(name, agentVersion)),
      );
      return found.filter((artefact): artefact is Artefact => artefact !== undefined);
    },
    async get(name) {
      return isArtefactName(name) ? describe(name, await version()) : undefined;
    },
  };
}
