import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The hub's ed25519 key for agent updates: agents pin the public half at enrolment (0017). */
export interface SigningKey {
  /** The 32 raw bytes of the public key, base64url (JWK `x`): what the agent pins. */
  readonly publicKey: string;
  /** Signs `text` (UTF-8); the 64-byte signature as base64url. */
  sign(text: string): string;
}

export type SigningKeyResult =
  | { ok: true; key: SigningKey; created: boolean; path: string }
  | { ok: false; message: string };

/** Default file name, in the directory of the SQLite database. */
export const SIGNING_KEY_FILE = 'agent-signing-key.pem';

/**
 * Where the key lives: the explicit file, else beside a SQLite database file; undefined for an
 * in-memory or PostgreSQL database (no data directory of our own: give `--signing-key`).
 */
export function signingKeyPath(config: { signingKey?: string | undefined; db: string }): string | undefined {
  if (config.signingKey !== undefined) return config.signingKey;
  if (config.db === ':memory:' || /^postgres(ql)?:/i.test(config.db)) return undefined;
  return join(dirname(config.db), SIGNING_KEY_FILE);
}

/** A signing key over an ed25519 private key object. */
export function signingKeyFrom(privateKey: KeyObject): SigningKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an ed25519 key');
  return {
    publicKey: jwk.x,
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64url'),
  };
}

function parse(pem: string, path: string): SigningKeyResult {
  try {
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519')
      return {
        ok: false,
        message: `${path}: expected an ed25519 private key, got ${privateKey.asymmetricKeyType}`,
      };
    return { ok: true, key: signingKeyFrom(privateKey), created: false, path };
  } catch (error) {
    return { ok: false, message: `${path}: not a PEM private key (${(error as Error).message})` };
  }
}

/**
 * Reads the key at `path`, creating it (PKCS#8 PEM, mode 0600) when the file does not exist.
 * A key readable by others is refused: whoever holds it can push code to every agent.
 */
export function loadOrCreateSigningKey(path: string): SigningKeyResult {
  let pem: string;
  try {
    const info = statSync(path);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0)
      return {
        ok: false,
        message: `${path}: mode ${(info.mode & 0o777).toString(8)} lets others read the signing key; chmod 600 it`,
      };
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      return { ok: false, message: `cannot read ${path}: ${(error as Error).message}` };
    const { privateKey } = generateKeyPairSync('ed25519');
    const created = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    try {
      mkdirSync(dirname(path), { recursive: true });
      // 'wx': two hubs starting on one data directory at once must not overwrite each other's key.
      writeFileSync(path, created, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSigningKey(path);
      return { ok: false, message: `cannot write ${path}: ${(writeError as Error).message}` };
    }
    const result = parse(created, path);
    return result.ok ? { ...result, created: true } : result;
  }
  return parse(pem, path);
}
