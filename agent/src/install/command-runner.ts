import { execFile } from 'node:child_process';
import { appendFile } from '../runtime/fs-async.js';
import type { Command } from './windows-service.js';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a service-manager command (systemctl, launchctl, sc.exe); injected so tests record them. */
export type CommandRunner = (command: Command) => Promise<CommandResult>;

/** Environment variable naming a file: commands are appended there as JSON lines, not run. */
export const FAKE_RUNNER_ENV = 'VIGIE_INSTALL_FAKE_RUNNER';

/** The real runner: no shell, so no argument is ever re-parsed. */
export function systemRunner(): CommandRunner {
  return ([file, ...args]) =>
    new Promise((resolve) => {
      execFile(file, args, { timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
        resolve({ code, stdout, stderr: stderr || (error && !stderr ? error.message : '') });
      });
    });
}

/**
 * Records each command in `file` and answers as a stopped service would; for installs into a
 * temporary root on a machine whose service manager must not be touched (systemd is not PID 1 in
 * CI containers). Answers come from the command's verb so `status` reads a consistent story.
 */
export function recordingRunner(file: string): CommandRunner {
  return async (command) => {
    await appendFile(file, `${JSON.stringify(command)}\n`);
    const verb = command[1];
    if (verb === 'is-active') return { code: 3, stdout: 'inactive\n', stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  };
}
