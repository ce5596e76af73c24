import { dirname } from 'node:path';
import { access, chmod, copyFile, mkdir, rename, rm, writeFile } from '../runtime/fs-async.js';
import type { CommandRunner } from './command-runner.js';
import type { InstallPlan, UninstallPlan } from './install-plan.js';
import { statusCommands } from './install-plan.js';
import { type ServicePlatform, serviceLayout, underRoot } from './service-layout.js';
import type { Command } from './windows-service.js';

export type ApplyResult = { ok: true } | { ok: false; message: string };

async function runAll(
  runner: CommandRunner,
  commands: readonly Command[],
  tolerate: boolean,
): Promise<ApplyResult> {
  for (const command of commands) {
    const result = await runner(command);
    if (result.code !== 0 && !tolerate) {
      return {
        ok: false,
        message: `'${command.join(' ')}' exited with ${result.code}: ${result.stderr.trim()}`,
      };
    }
  }
  return { ok: true };
}

/** Runs the plan's `before` commands, writes its files under `root` (the real / in production), then runs its commands. */
export async function applyInstall(
  plan: InstallPlan,
  root: string | undefined,
  runner: CommandRunner,
): Promise<ApplyResult> {
  await runAll(runner, plan.before, true);
  try {
    for (const dir of plan.dirs) {
      await mkdir(underRoot(root, dir.path), { recursive: true, mode: dir.mode });
      await chmod(underRoot(root, dir.path), dir.mode);
    }
    for (const file of plan.files) {
      const target = underRoot(root, file.path);
      await mkdir(dirname(target), { recursive: true });
      // Copy or write beside, then rename: a running old binary is replaced, not truncated.
      if (file.copyFrom !== undefined) await copyFile(file.copyFrom, `${target}.new`);
      else await writeFile(`${target}.new`, file.contents ?? '');
      await chmod(`${target}.new`, file.mode);
      await rename(`${target}.new`, target);
    }
  } catch (error) {
    return { ok: false, message: `cannot write the service files: ${(error as Error).message}` };
  }
  return runAll(runner, plan.commands, false);
}

/** Stops and unregisters the service (tolerating one that is already gone), then removes its files. */
export async function applyUninstall(
  plan: UninstallPlan,
  root: string | undefined,
  runner: CommandRunner,
): Promise<ApplyResult> {
  await runAll(runner, plan.stop, true);
  try {
    for (const path of plan.remove) await rm(underRoot(root, path), { recursive: true, force: true });
  } catch (error) {
    return { ok: false, message: `cannot remove the service files: ${(error as Error).message}` };
  }
  return runAll(runner, plan.after, true);
}

export interface ServiceState {
  /** The unit/plist file exists (Windows: the service manager knows the service). */
  readonly installed: boolean;
  readonly running: boolean;
  /** What the service manager said, for humans. */
  readonly detail: string;
}

/** Whether the service is installed and running, asked of the service manager through `runner`. */
export async function readServiceState(
  platform: ServicePlatform,
  root: string | undefined,
  runner: CommandRunner,
): Promise<ServiceState> {
  const layout = serviceLayout(platform);
  const commands = statusCommands(platform);
  const fileInstalled =
    layout.serviceFile === undefined
      ? undefined
      : await access(underRoot(root, layout.serviceFile)).then(
          () => true,
          () => false,
        );
  const running = await runner(commands.running).catch(() => ({
    code: 127,
    stdout: '',
    stderr: 'cannot run',
  }));
  const output = `${running.stdout}${running.stderr}`.trim();
  const isRunning =
    platform === 'linux'
      ? running.code === 0 && output.startsWith('active')
      : platform === 'darwin'
        ? running.code === 0 && /state = running/.test(output)
        : running.code === 0 && /RUNNING/.test(output);
  const installed = fileInstalled ?? running.code === 0;
  return { installed, running: isRunning, detail: output.split('\n')[0] ?? '' };
}
