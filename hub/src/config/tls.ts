import { readFileSync } from 'node:fs';
import type { HubConfig } from './config.js';

export type TlsFiles =
  | { ok: true; tls?: { readonly cert: Buffer; readonly key: Buffer } }
  | { ok: false; message: string };

/** The certificate and key to serve HTTPS/WSS with, read once at startup; none means plain HTTP. */
export function readTlsFiles(config: Pick<HubConfig, 'tlsCert' | 'tlsKey'>): TlsFiles {
  if (config.tlsCert === undefined && config.tlsKey === undefined) return { ok: true };
  if (config.tlsCert === undefined || config.tlsKey === undefined) {
    return {
      ok: false,
      message: '--tls-cert and --tls-key go together (VIGIE_HUB_TLS_CERT, VIGIE_HUB_TLS_KEY)',
    };
  }
  const read = (label: string, path: string): Buffer | string => {
    try {
      return readFileSync(path);
    } catch (error) {
      return `cannot read the TLS ${label} ${path}: ${(error as Error).message}`;
    }
  };
  const cert = read('certificate', config.tlsCert);
  const key = read('key', config.tlsKey);
  if (typeof cert === 'string') return { ok: false, message: cert };
  if (typeof key === 'string') return { ok: false, message: key };
  return { ok: true, tls: { cert, key } };
}
