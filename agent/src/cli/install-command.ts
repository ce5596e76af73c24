import { createCredentialStore } from '../credentials/credential-store.js';
import { applyInstall } from '../install/apply-plan.js';
import { type Artefact, type InstallPlan, planInstall } from '../install/install-plan.js';
import { type ServiceHost, systemServiceHost } from '../install/service-host.js';
import {
  isServicePlatform,
  type ServicePlatform,
  serviceLayout,
  underRoot,
} from '../install/service-layout.js';
import { formatAllowList, parseAllowList } from '../remediation/allow-list.js';
import { stat } from '../runtime/fs-async.js';
import type { CliContext } from './context.js';
import { enrollCommand } from './enroll-command.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

export interface InstallFlags {
  readonly hub?: string;
  readonly token?: string;
  readonly role?: string;
  readonly ca?: string;
  readonly root?: string;
  readonly artefact?: string;
  /** N0 actions this machine allows (`restart-service,clean-folder:/var/tmp`), kept in the config file. */
  readonly allowRemediation?: string;
  readonly insecureAllowPlaintext?: boolean;
  readonly force: boolean;
}

type Checked = { ok: true; host: ServiceHost; platform: ServicePlatform } | { ok: false; exitCode: ExitCode };

/** The service host, if this platform has a service manager and this user may change it. */
export function serviceHostOrExit(context: CliContext, command: string, root: string | undefined): Checked {
  const host = context.service ?? systemServiceHost(context.io.env);
  if (!isServicePlatform(host.platform)) {
    context.io.stderr(`vigie-agent ${command}: no service manager support on ${host.platform}\n`);
    return { ok: false, exitCode: EXIT_CODES.FAILURE };
  }
  // Windows has no uid: the service manager itself refuses a non-administrator.
  if (root === undefined && host.platform !== 'win32' && !context.io.isRoot) {
    context.io.stderr(`vigie-agent ${command}: must run as root (sudo), or with --root DIR to try it out\n`);
    return { ok: false, exitCode: EXIT_CODES.FAILURE };
  }
  return { ok: true, host, platform: host.platform };
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

function artefactFor(flags: InstallFlags, host: ServiceHost): Artefact | undefined {
  if (flags.artefact === undefined) return host.artefact;
  return /\.(cjs|mjs|js)$/.test(flags.artefact)
    ? { kind: 'script', path: flags.artefact, node: host.node }
    : { kind: 'binary', path: flags.artefact };
}

/** `vigie-agent install`: enrol (unless already enrolled with this hub), then install and start the service. */
export async function installCommand(context: CliContext, flags: InstallFlags): Promise<ExitCode> {
  const { io } = context;
  const checked = serviceHostOrExit(context, 'install', flags.root);
  if (!checked.ok) return checked.exitCode;
  const { host, platform } = checked;
  const artefact = artefactFor(flags, host);
  if (!artefact) {
    io.stderr(
      'vigie-agent install: run install from the single-file build (vigie-agent.cjs) or the single ' +
        'executable, or name one with --artefact FILE\n',
    );
    return EXIT_CODES.USAGE;
  }
  const hubUrl = flags.hub ?? io.env.VIGIE_HUB_URL;
  if (!hubUrl) {
    io.stderr('vigie-agent install: missing --hub URL (or VIGIE_HUB_URL)\n');
    return EXIT_CODES.USAGE;
  }
  let caPem: string | undefined;
  if (flags.ca !== undefined) {
    caPem = await io.readConfigFile(flags.ca);
    if (caPem === undefined) {
      io.stderr(`vigie-agent install: CA file ${flags.ca} not found\n`);
      return EXIT_CODES.CONFIG;
    }
  }
  // Checked before anything is written: a typo must not install an agent that allows something else.
  let allowRemediation: string | undefined;
  if (flags.allowRemediation !== undefined) {
    const parsed = parseAllowList(flags.allowRemediation);
    if (!parsed.ok) {
      io.stderr(`vigie-agent install: --allow-remediation: ${parsed.message}\n`);
      return EXIT_CODES.USAGE;
    }
    allowRemediation = formatAllowList(parsed.allow);
  }
  let plan: InstallPlan;
  try {
    plan = planInstall({
      platform,
      artefact,
      config: {
        hubUrl,
        ...(flags.role !== undefined && { role: flags.role }),
        ...(flags.insecureAllowPlaintext && { insecureAllowPlaintext: true }),
        ...(allowRemediation !== undefined && { allowRemediation }),
      },
      ...(caPem !== undefined && { caPem }),
      ...(host.serviceWrapper !== undefined && { serviceWrapper: host.serviceWrapper }),
    });
  } catch (error) {
    // A path the service file format cannot carry (a line break, or '%' for WinSW).
    io.stderr(`vigie-agent install: ${(error as Error).message}\n`);
    return EXIT_CODES.USAGE;
  }
  // A file to copy that is missing (on Windows, winsw.exe beside the artefact) stops us before enrolment.
  for (const file of plan.files) {
    if (file.copyFrom !== undefined && !(await isFile(file.copyFrom))) {
      io.stderr(`vigie-agent install: ${file.copyFrom} not found (needed for ${file.path})\n`);
      return EXIT_CODES.USAGE;
    }
  }
  const layout = serviceLayout(platform);
  const stateDir = underRoot(flags.root, layout.stateDir);
  // Enrol first: a refused token leaves nothing installed. A machine already enrolled with this hub
  // (a re-install) keeps its credential and so its history.
  const existing = await createCredentialStore(stateDir).readCredentials();
  if (existing.ok && existing.value.hubUrl === hubUrl && !flags.force) {
    io.stdout(
      `already enrolled with ${hubUrl} as agent ${existing.value.agentId}; keeping that credential\n`,
    );
  } else {
    const enrolled = await enrollCommand(context, {
      hub: hubUrl,
      token: flags.token,
      role: flags.role,
      stateDir,
      ca: flags.ca,
      insecureAllowPlaintext: flags.insecureAllowPlaintext,
      force: flags.force,
    });
    if (enrolled !== EXIT_CODES.OK) return enrolled;
  }
  const applied = await applyInstall(plan, flags.root, host.runner);
  if (!applied.ok) {
    io.stderr(`vigie-agent install: ${applied.message}\n`);
    return EXIT_CODES.FAILURE;
  }
  const where = layout.serviceFile ?? 'Windows service vigie-agent';
  io.stdout(
    `installed ${underRoot(flags.root, plan.files[0]?.path ?? layout.installDir)}\n` +
      `service ${where}${flags.root === undefined ? '' : ` (under ${flags.root})`} enabled and started\n`,
  );
  return EXIT_CODES.OK;
}
