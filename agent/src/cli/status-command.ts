import { createCredentialStore } from '../credentials/credential-store.js';
import { createStatusFile } from '../credentials/status-file.js';
import { readServiceState, type ServiceState } from '../install/apply-plan.js';
import { systemServiceHost } from '../install/service-host.js';
import { isServicePlatform } from '../install/service-layout.js';
import { type CliContext, configOrExit } from './context.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

export interface StatusFlags {
  readonly stateDir?: string;
  readonly config?: string;
  readonly json: boolean;
  /** Where `install --root` put the service files (tests). */
  readonly root?: string;
}

async function serviceState(
  context: CliContext,
  root: string | undefined,
): Promise<ServiceState | undefined> {
  const host = context.service ?? systemServiceHost(context.io.env);
  return isServicePlatform(host.platform) ? readServiceState(host.platform, root, host.runner) : undefined;
}

/** `vigie-agent status`: enrolment, policy revision, last contact with the hub. */
export async function statusCommand(context: CliContext, flags: StatusFlags): Promise<ExitCode> {
  const { io } = context;
  const loaded = await configOrExit(io, { stateDir: flags.stateDir, configFile: flags.config });
  if (!loaded.ok) return loaded.exitCode;
  const { stateDir } = loaded.config;
  const store = createCredentialStore(stateDir);
  const [credentials, policy, runtime, service] = await Promise.all([
    store.readCredentials(),
    store.readPolicy(),
    createStatusFile(stateDir).read(),
    serviceState(context, flags.root),
  ]);
  for (const result of [credentials, policy, runtime]) {
    if (!result.ok && result.reason !== 'missing') {
      io.stderr(`vigie-agent status: ${result.message}\n`);
      return EXIT_CODES.CONFIG;
    }
  }
  const report = {
    stateDir,
    enrolled: credentials.ok,
    hubUrl: credentials.ok ? credentials.value.hubUrl : undefined,
    agentId: credentials.ok ? credentials.value.agentId : undefined,
    hostId: credentials.ok ? credentials.value.hostId : undefined,
    enrolledAt: credentials.ok ? credentials.value.enrolledAt : undefined,
    // policy.json is written only when the hub's policy differs from the defaults; state.json
    // records the revision the running agent applied either way.
    policyRevision: policy.ok ? policy.value.revision : runtime.ok ? runtime.value.policyRevision : undefined,
    lastConnectedAt: runtime.ok ? runtime.value.lastConnectedAt : undefined,
    lastAckAt: runtime.ok ? runtime.value.lastAckAt : undefined,
    pid: runtime.ok ? runtime.value.pid : undefined,
    service,
  };
  if (flags.json) {
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    const rows: Array<[string, string]> = [
      ['state dir', stateDir],
      ['enrolled', report.enrolled ? `yes (${report.enrolledAt})` : 'no'],
    ];
    if (report.enrolled) {
      rows.push(
        ['hub', report.hubUrl ?? ''],
        ['agent id', report.agentId ?? ''],
        ['host id', report.hostId ?? ''],
        [
          'policy revision',
          report.policyRevision === undefined ? 'none received (defaults)' : String(report.policyRevision),
        ],
        ['last connected', report.lastConnectedAt ?? 'never'],
        ['last ack', report.lastAckAt ?? 'never'],
      );
    }
    if (service) {
      const state = service.installed
        ? service.running
          ? 'installed, running'
          : 'installed, not running'
        : 'not installed';
      rows.push(['service', service.detail ? `${state} (${service.detail})` : state]);
    }
    io.stdout(rows.map(([key, value]) => `${`${key}:`.padEnd(17)}${value}\n`).join(''));
  }
  return report.enrolled ? EXIT_CODES.OK : EXIT_CODES.FAILURE;
}
