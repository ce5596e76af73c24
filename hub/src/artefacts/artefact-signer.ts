import { type AgentUpdate, agentVersionSchema, artefactSignedText } from '@vigie/shared';
import type { SigningKey } from '../security/signing-key.js';
import type { Artefact, ArtefactStore } from './artefact-store.js';

/** Signs what the hub serves, so agents can tell the hub's builds from anything else (0017). */
export interface ArtefactSigner {
  /** The public key agents pin at enrolment. */
  readonly publicKey: string;
  /** Detached signature of one artefact (over name, version, size and sha256). */
  signature(artefact: Artefact): string;
  /** The version served and its signed artefacts, for the welcome; undefined when nothing is servable. */
  announcement(): Promise<AgentUpdate | undefined>;
}

/** How long one announcement serves every welcome: a reconnect storm reads the disk once. */
const ANNOUNCEMENT_TTL_MS = 5_000;

/** A signer for the artefacts of `store`; signatures are cached per artefact content. */
export function createArtefactSigner(
  store: ArtefactStore,
  key: SigningKey,
  clock: () => number = Date.now,
): ArtefactSigner {
  const cache = new Map<string, string>();
  let recent: { at: number; value: Promise<AgentUpdate | undefined> } | undefined;

  function signature(artefact: Artefact): string {
    const text = artefactSignedText(artefact);
    let signed = cache.get(text);
    if (signed === undefined) {
      signed = key.sign(text);
      // One entry per artefact version; a hub serves two files, so this only grows on rebuilds.
      if (cache.size > 64) cache.clear();
      cache.set(text, signed);
    }
    return signed;
  }

  return {
    publicKey: key.publicKey,
    signature,
    announcement() {
      const now = clock();
      if (recent && now - recent.at < ANNOUNCEMENT_TTL_MS) return recent.value;
      const value = announce();
      recent = { at: now, value };
      // A failed read is not cached: the next welcome tries again.
      value.catch(() => {
        recent = undefined;
      });
      return value;
    },
  };

  async function announce(): Promise<AgentUpdate | undefined> {
    // The service wrapper is installed once by install.ps1, not swapped by the agent's updater.
    const artefacts = (await store.list()).filter(
      (artefact): artefact is Artefact & { kind: 'script' | 'binary' } => artefact.kind !== 'service-wrapper',
    );
    const version = artefacts[0]?.version;
    // No manifest (a development checkout that never bundled): nothing an agent could compare.
    if (version === undefined || !agentVersionSchema.safeParse(version).success) return undefined;
    return {
      version,
      artefacts: artefacts.map((artefact) => ({
        name: artefact.name,
        kind: artefact.kind,
        platform: artefact.platform,
        arch: artefact.arch,
        url: `/downloads/${artefact.name}`,
        size: artefact.size,
        sha256: artefact.sha256,
        signature: signature(artefact),
      })),
    };
  }
}
