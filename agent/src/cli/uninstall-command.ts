import { applyUninstall } from '../install/apply-plan.js';
import { planUninstall } from '../install/install-plan.js';
import { serviceLayout, underRoot } from '../install/service-layout.js';
import type { CliContext } from './context.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { serviceHostOrExit } from './install-command.js';

export interface UninstallFlags {
  readonly root?: string;
  readonly purge: boolean;
}

/** `vigie-agent uninstall`: stop and remove the service and its files; the state dir goes only with --purge. */
export async function uninstallCommand(context: CliContext, flags: UninstallFlags): Promise<ExitCode> {
  const { io } = context;
  const checked = serviceHostOrExit(context, 'uninstall', flags.root);
  if (!checked.ok) return checked.exitCode;
  const plan = planUninstall(checked.platform, flags.purge);
  const applied = await applyUninstall(plan, flags.root, checked.host.runner);
  if (!applied.ok) {
    io.stderr(`vigie-agent uninstall: ${applied.message}\n`);
    return EXIT_CODES.FAILURE;
  }
  const stateDir = underRoot(flags.root, serviceLayout(checked.platform).stateDir);
  io.stdout(
    `removed the vigie-agent service and its files\n` +
      (flags.purge
        ? `removed ${stateDir}\n`
        : `kept ${stateDir} (credential and unsent data; --purge removes it)\n`),
  );
  return EXIT_CODES.OK;
}
