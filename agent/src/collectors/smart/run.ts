import { execFile } from 'node:child_process';
import type { SmartctlRun } from './reader.js';

const TIMEOUT_MS = 30_000;
// `smartctl -x --json` of a disk with a long error log stays well under this.
const MAX_BUFFER = 4 * 1024 * 1024;

/** The real smartctl: no shell, C locale, a timeout; a non-zero exit still resolves with its status. */
export function systemSmartctl(file = 'smartctl'): SmartctlRun {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(
        file,
        [...args],
        {
          timeout: TIMEOUT_MS,
          maxBuffer: MAX_BUFFER,
          env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
          windowsHide: true,
        },
        (error, stdout) => {
          if (!error) return resolve({ stdout, exitCode: 0 });
          // A numeric code is smartctl's exit status; a string (ENOENT) or a kill means it did not run.
          if (typeof error.code === 'number' && !error.killed)
            return resolve({ stdout, exitCode: error.code });
          reject(error);
        },
      );
    });
}
