import { isSea } from 'node:sea';
import { type CommandRunner, FAKE_RUNNER_ENV, recordingRunner, systemRunner } from './command-runner.js';
import type { Artefact } from './install-plan.js';

/** The machine `install`, `uninstall` and `status` act on; tests pass a fake. */
export interface ServiceHost {
  /** `process.platform`; only linux, darwin and win32 can install a service. */
  readonly platform: string;
  readonly runner: CommandRunner;
  /** The Node running this process, for a service that runs the single-file build. */
  readonly node: string;
  /** The file this process runs from, when it is an installable artefact. */
  readonly artefact?: Artefact;
  /** Windows: the WinSW executable to install (VIGIE_SERVICE_WRAPPER); else winsw.exe beside the artefact. */
  readonly serviceWrapper?: string;
}

/** Environment variable naming the WinSW executable `install` copies on Windows. */
export const SERVICE_WRAPPER_ENV = 'VIGIE_SERVICE_WRAPPER';

/** This process: the single executable installs itself, the single-file build too (with this Node). */
export function systemServiceHost(env: Readonly<Record<string, string | undefined>>): ServiceHost {
  const fake = env[FAKE_RUNNER_ENV];
  const runner = fake ? recordingRunner(fake) : systemRunner();
  const script = process.argv[1];
  const artefact: Artefact | undefined = isSea()
    ? { kind: 'binary', path: process.execPath }
    : script !== undefined && /\.[cm]js$/.test(script)
      ? { kind: 'script', path: script, node: process.execPath }
      : undefined;
  const serviceWrapper = env[SERVICE_WRAPPER_ENV] || undefined;
  return {
    platform: process.platform,
    runner,
    node: process.execPath,
    ...(artefact && { artefact }),
    ...(serviceWrapper !== undefined && { serviceWrapper }),
  };
}
