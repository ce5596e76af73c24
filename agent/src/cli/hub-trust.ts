import { rootCertificates } from 'node:tls';
import type { AgentConfig } from '../config/config.js';
import { plaintextRefusal } from '../transport/hub-url.js';
import type { CliIo } from './context.js';

export type HubTrust = { ok: true; ca?: readonly string[] } | { ok: false; message: string };

/**
 * What the agent trusts to reach `hubUrl`: refuses plain http to another machine unless told so,
 * and adds the configured CA file to Node's bundled CAs (a `ca` option replaces them otherwise).
 */
export async function hubTrust(
  io: Pick<CliIo, 'readConfigFile'>,
  config: AgentConfig,
  hubUrl: string,
): Promise<HubTrust> {
  const refusal = plaintextRefusal(hubUrl, config.insecureAllowPlaintext);
  if (refusal) return { ok: false, message: refusal };
  if (config.caFile === undefined) return { ok: true };
  let pem: string | undefined;
  try {
    pem = await io.readConfigFile(config.caFile);
  } catch (error) {
    return { ok: false, message: `cannot read the CA file ${config.caFile}: ${(error as Error).message}` };
  }
  if (pem === undefined) return { ok: false, message: `CA file ${config.caFile} not found` };
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    return { ok: false, message: `CA file ${config.caFile} holds no PEM certificate` };
  }
  return { ok: true, ca: [...rootCertificates, pem] };
}
