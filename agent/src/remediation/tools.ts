import { execFile as execFileCb } from 'node:child_process';
import { promisify } from 'node:util';
import { REMEDIATION_LIMITS } from '@vigie/shared';
import type { ExecFile } from '../collectors/deps.js';
import { type ServiceManager, serviceManagerFor } from './service-manager.js';

/** The programs N0 actions run through: one execFile (argument arrays, no shell) and the service manager. */
export interface RemediationTools {
  readonly exec: ExecFile;
  readonly services: ServiceManager | undefined;
}

const execFileAsync = promisify(execFileCb);

/**
 * The real ones: execFile with the action timeout, the platform's service manager (found on
 * PATH). `env` replaces the process environment (tests put a stand-in `systemctl` first on PATH).
 */
export function systemRemediationTools(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv = process.env,
): RemediationTools {
  const exec: ExecFile = (file, args) =>
    execFileAsync(file, [...args], {
      env,
      timeout: REMEDIATION_LIMITS.actionTimeoutMs,
      maxBuffer: 4 * 1024 * 1024,
      encoding: 'utf8',
      shell: false,
    });
  return { exec, services: serviceManagerFor(platform, exec) };
}
