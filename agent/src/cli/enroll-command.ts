import { HOST_ROLES } from '@vigie/shared';
import { createCredentialStore } from '../credentials/credential-store.js';
import { enrol } from '../enrol/enrol.js';
import { isLoopbackUrl } from '../transport/hub-url.js';
import { createTlsFetch } from '../transport/tls-fetch.js';
import { type CliContext, configOrExit } from './context.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { hubTrust } from './hub-trust.js';

export interface EnrollFlags {
  readonly hub?: string;
  readonly token?: string;
  readonly role?: string;
  readonly stateDir?: string;
  readonly config?: string;
  readonly ca?: string;
  readonly insecureAllowPlaintext?: boolean;
  readonly force: boolean;
}

/** `vigie-agent enroll`: token → credential in <state-dir>/credentials.json. */
export async function enrollCommand({ io, wiring }: CliContext, flags: EnrollFlags): Promise<ExitCode> {
  const loaded = await configOrExit(io, {
    hubUrl: flags.hub,
    role: flags.role,
    stateDir: flags.stateDir,
    configFile: flags.config,
    caFile: flags.ca,
    insecureAllowPlaintext: flags.insecureAllowPlaintext ? 'true' : undefined,
  });
  if (!loaded.ok) return loaded.exitCode;
  const { config } = loaded;
  const token = flags.token ?? io.env.VIGIE_ENROLMENT_TOKEN;
  if (!config.hubUrl) {
    io.stderr('vigie-agent enroll: missing --hub URL (or VIGIE_HUB_URL)\n');
    return EXIT_CODES.USAGE;
  }
  if (!token || token.length < 16 || token.length > 256) {
    io.stderr(`vigie-agent enroll: ${token ? 'malformed' : 'missing'} --token (or VIGIE_ENROLMENT_TOKEN)\n`);
    return EXIT_CODES.USAGE;
  }

  const store = createCredentialStore(config.stateDir);
  const existing = await store.readCredentials();
  if (existing.ok && !flags.force) {
    io.stderr(
      `vigie-agent enroll: already enrolled with ${existing.value.hubUrl} as ${existing.value.agentId} ` +
        `(${store.credentialsPath}); use --force to enrol again\n`,
    );
    return EXIT_CODES.FAILURE;
  }
  if (!existing.ok && existing.reason !== 'missing' && !flags.force) {
    io.stderr(`vigie-agent enroll: ${existing.message}; use --force to replace it\n`);
    return EXIT_CODES.FAILURE;
  }

  const fingerprint = await wiring.fingerprint();
  if (!fingerprint.ok) {
    io.stderr(`vigie-agent enroll: ${fingerprint.message}\n`);
    return EXIT_CODES.FAILURE;
  }
  const host = await wiring.hostInfo();
  const trust = await hubTrust(io, config, config.hubUrl);
  if (!trust.ok) {
    io.stderr(`vigie-agent enroll: ${trust.message}\n`);
    return EXIT_CODES.CONFIG;
  }
  if (new URL(config.hubUrl).protocol === 'http:' && !isLoopbackUrl(config.hubUrl)) {
    io.stderr('vigie-agent enroll: warning: plain http, the token and the credential travel unencrypted\n');
  }

  const role = HOST_ROLES.find((candidate) => candidate === config.role);
  const result = await enrol({
    hubUrl: config.hubUrl,
    request: {
      token,
      fingerprint: fingerprint.fingerprint,
      hostname: host.hostname,
      os: host.os,
      ...(role && { role }),
    },
    ...(trust.ca && { fetch: createTlsFetch(trust.ca) }),
  });
  if (!result.ok) {
    io.stderr(`vigie-agent enroll: enrolment failed: ${result.code}: ${result.message}\n`);
    return EXIT_CODES.FAILURE;
  }
  try {
    await store.writeCredentials({
      hubUrl: config.hubUrl,
      agentId: result.response.agentId,
      secret: result.response.secret,
      hostId: result.response.hostId,
      enrolledAt: new Date(io.clock()).toISOString(),
      ...(result.response.signingKey !== undefined && { hubSigningKey: result.response.signingKey }),
    });
  } catch (error) {
    io.stderr(`vigie-agent enroll: cannot save the credential: ${(error as Error).message}\n`);
    return EXIT_CODES.FAILURE;
  }
  io.stdout(
    `enrolled with ${config.hubUrl} as agent ${result.response.agentId} (host ${result.response.hostId})\n` +
      `credential saved to ${store.credentialsPath}\n`,
  );
  return EXIT_CODES.OK;
}
