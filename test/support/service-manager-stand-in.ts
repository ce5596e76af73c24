import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./systemctl-stand-in.mjs', import.meta.url));

/**
 * A service manager for tests on this machine, which has no systemd as PID 1: a `systemctl` on
 * PATH (bin/) that really starts and stops the units' processes (systemctl-stand-in.mjs).
 */
export interface ServiceManagerStandIn {
  /** Directory to put first on PATH. */
  readonly bin: string;
  /** What the agent's environment needs (PATH and the stand-in's state directory). */
  readonly env: Record<string, string>;
  /** Restarts the stand-in performed, in order (`restart nginx.service`). */
  restarts(): string[];
  /** Pid of a unit's current child, if it was started. */
  pid(unit: string): number | undefined;
  /** Kill every child it started (by pid) and remove its files. */
  cleanup(): void;
}

export function createServiceManagerStandIn(units: Record<string, readonly string[]>): ServiceManagerStandIn {
  const root = mkdtempSync(join(tmpdir(), 'vigie-systemctl-'));
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  mkdirSync(bin);
  mkdirSync(state);
  writeFileSync(join(state, 'units.json'), JSON.stringify(units));
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\nexec "${process.execPath}" "${SCRIPT}" "$@"\n`, {
    mode: 0o755,
  });
  const read = (file: string) => {
    try {
      return readFileSync(join(state, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const pid = (unit: string) => {
    const text = read(`${unit}.pid`);
    return text === undefined ? undefined : Number(text);
  };
  return {
    bin,
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, VIGIE_SYSTEMCTL_STATE: state },
    restarts: () => (read('restarts.log') ?? '').split('\n').filter((line) => line !== ''),
    pid,
    cleanup() {
      for (const unit of Object.keys(units)) {
        const running = pid(unit);
        if (running === undefined) continue;
        try {
          process.kill(running, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
