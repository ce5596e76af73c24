import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { isSea } from 'node:sea';
import type { Policy } from '@vigie/shared';
import { createBootRecordFile } from '../checks/reboot.js';
import { createCredentialStore } from '../credentials/credential-store.js';
import { saveRotatedSecret } from '../credentials/rotate-secret.js';
import { createStatusFile } from '../credentials/status-file.js';
import { formatAllowList } from '../remediation/allow-list.js';
import { startAgent } from '../runtime/agent.js';
import { openSpool } from '../spool/spool.js';
import { reportedVersion, runningArtefact } from '../update/running-artefact.js';
import { startUpdateRuntime } from '../update/update-runtime.js';
import { AGENT_VERSION } from '../version.js';
import { type CliContext, configOrExit } from './context.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { hubTrust } from './hub-trust.js';

export interface RunFlags {
  readonly config?: string;
  readonly stateDir?: string;
  readonly logLevel?: string;
  readonly heartbeatInterval?: string;
  readonly metricsInterval?: string;
  readonly spoolMaxBytes?: string;
  readonly spoolMaxAge?: string;
  readonly drainRate?: string;
  readonly reconnectMaxDelay?: string;
  readonly allowRemediation?: string;
  readonly ca?: string;
  readonly insecureAllowPlaintext?: boolean;
}

/** `vigie-agent run`: report until a stop signal (0) or until the hub refuses us for good (78). */
export async function runCommand({ io, wiring }: CliContext, flags: RunFlags): Promise<ExitCode> {
  const loaded = await configOrExit(io, {
    configFile: flags.config,
    stateDir: flags.stateDir,
    logLevel: flags.logLevel,
    heartbeatIntervalSec: flags.heartbeatInterval,
    metricsIntervalSec: flags.metricsInterval,
    spoolMaxBytes: flags.spoolMaxBytes,
    spoolMaxAgeSec: flags.spoolMaxAge,
    drainRatePerSec: flags.drainRate,
    reconnectMaxDelaySec: flags.reconnectMaxDelay,
    allowRemediation: flags.allowRemediation,
    caFile: flags.ca,
    insecureAllowPlaintext: flags.insecureAllowPlaintext ? 'true' : undefined,
  });
  if (!loaded.ok) return loaded.exitCode;
  const { config } = loaded;
  const log = io.logger(config.logLevel);

  const store = createCredentialStore(config.stateDir);
  const credentials = await store.readCredentials();
  if (!credentials.ok) {
    const why =
      credentials.reason === 'missing'
        ? `not enrolled (no ${join(config.stateDir, 'credentials.json')}); run 'vigie-agent enroll --hub URL --token TOKEN' first`
        : credentials.message;
    log.error(why);
    io.stderr(`vigie-agent run: ${why}\n`);
    return EXIT_CODES.CONFIG;
  }
  let savedPolicy: Policy | undefined;
  const policy = await store.readPolicy();
  if (policy.ok) savedPolicy = policy.value;
  else if (policy.reason !== 'missing') log.warn('ignoring the saved policy', { reason: policy.message });

  const fingerprint = await wiring.fingerprint();
  if (!fingerprint.ok) {
    log.error(fingerprint.message);
    return EXIT_CODES.FAILURE;
  }
  const statusFile = createStatusFile(config.stateDir);
  const hubUrl = config.hubUrl ?? credentials.value.hubUrl;
  const trust = await hubTrust(io, config, hubUrl);
  if (!trust.ok) {
    log.error(trust.message);
    io.stderr(`vigie-agent run: ${trust.message}\n`);
    return EXIT_CODES.CONFIG;
  }
  // A new version on probation that never reached the hub is undone here, before anything else.
  const updates = await startUpdateRuntime({
    stateDir: config.stateDir,
    currentVersion: AGENT_VERSION,
    running: runningArtefact({
      isSea: isSea(),
      execPath: process.execPath,
      script: process.argv[1],
      platform: process.platform,
      arch: process.arch,
    }),
    pinnedKey: credentials.value.hubSigningKey,
    hubUrl,
    log,
    clock: io.clock,
    random: io.random,
    smokeTest: (kind, file) => reportedVersion(kind, file, process.execPath),
    ...(trust.ca && { ca: trust.ca }),
    ...(config.updateDelaySec !== undefined && { delaySec: config.updateDelaySec }),
    ...(config.updateProbationSec !== undefined && { probationSec: config.updateProbationSec }),
  });
  if (updates.restartNow) return EXIT_CODES.RESTART;
  const spoolDir = join(config.stateDir, 'spool');
  const opened = openSpool({
    dir: spoolDir,
    bootId: randomUUID(),
    log,
    clock: io.clock,
    limits: { maxBytes: config.spoolMaxBytes, maxAgeMs: config.spoolMaxAgeSec * 1000 },
    drainRatePerSec: config.drainRatePerSec,
  });
  // Without its spool the agent still reports (in memory): monitoring that stops is worse.
  if (!opened.ok) log.error(`${opened.message}; messages are kept in memory only`);
  else if (opened.spool.recovered.unsent + opened.spool.recovered.sent > 0) {
    log.info('spool recovered from the previous run', { ...opened.spool.recovered, dir: spoolDir });
  }
  log.info('starting', {
    version: AGENT_VERSION,
    hubUrl,
    agentId: credentials.value.agentId,
    stateDir: config.stateDir,
    ...(config.remediation && { remediation: formatAllowList(config.remediation) || 'none' }),
  });

  const agent = startAgent({
    hubUrl,
    credentials: credentials.value,
    fingerprint: fingerprint.fingerprint,
    host: await wiring.hostInfo(),
    agentVersion: AGENT_VERSION,
    sampler: wiring.sampler(log),
    inventory: wiring.inventory(log),
    savePolicy: (next) => store.writePolicy(next),
    saveSecret: (secret) => saveRotatedSecret(store, credentials.value.agentId, secret),
    writeStatus: (status) => statusFile.write(status),
    bootRecord: createBootRecordFile(config.stateDir),
    ...(wiring.smart && { smart: wiring.smart(log) }),
    log,
    clock: io.clock,
    random: io.random,
    heartbeatIntervalSec: config.heartbeatIntervalSec,
    outbox: { limits: { maxBytes: config.spoolMaxBytes, maxAgeMs: config.spoolMaxAgeSec * 1000 } },
    ...(opened.ok && { spool: opened.spool.outbox }),
    ...(trust.ca && { ca: trust.ca }),
    ...((wiring.connection || config.reconnectMaxDelaySec !== undefined) && {
      connection: {
        ...wiring.connection,
        ...(config.reconnectMaxDelaySec !== undefined && {
          backoff: { ...wiring.connection?.backoff, recentCapMs: config.reconnectMaxDelaySec * 1000 },
        }),
      },
    }),
    ...(savedPolicy && { savedPolicy }),
    ...(config.metricsIntervalSec !== undefined && { metricsIntervalSec: config.metricsIntervalSec }),
    ...(wiring.scheduler && { scheduler: wiring.scheduler }),
    onWelcome: updates.onWelcome,
    onPolicy: updates.onPolicy,
    ...(config.remediation && { remediation: config.remediation }),
  });
  updates.attach(() => void agent.stop());
  const removeSignal = io.onStopSignal(() => {
    log.info('stop requested');
    void agent.stop();
  });
  const exit = await agent.exited;
  removeSignal();
  if (opened.ok) opened.spool.close();
  if (await updates.finish(exit.reason === 'fatal')) {
    log.info('exiting for the service manager to start the installed version', { code: EXIT_CODES.RESTART });
    return EXIT_CODES.RESTART;
  }
  if (exit.reason === 'stopped') {
    log.info('stopped');
    return EXIT_CODES.OK;
  }
  const message = `hub refused this agent: ${exit.name} (${exit.code}): ${exit.message}`;
  log.error(message, { name: exit.name, code: exit.code });
  io.stderr(`vigie-agent run: ${message}\n`);
  return EXIT_CODES.CONFIG;
}
