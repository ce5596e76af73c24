import type { DropLog, Facts } from '../facts.js';
import type { InventoryIo } from '../io.js';
import { APT_SIMULATE_ARGS, parseAptSimulate } from './apt.js';
import { CHECK_UPDATE_EXIT, parseCheckUpdate } from './dnf.js';
import type { PendingUpdates } from './pending.js';

/** Debian and Ubuntu touch this file when an upgrade needs a reboot. */
export const REBOOT_REQUIRED_PATH = '/var/run/reboot-required';

async function pending(io: InventoryIo, log: DropLog): Promise<PendingUpdates | undefined> {
  if (await io.exists('/usr/bin/apt-get')) {
    const result = await io.exec('apt-get', APT_SIMULATE_ARGS);
    if (result.ok && result.code === 0) return parseAptSimulate(result.stdout);
    log('apt simulate failed', result.ok ? { code: result.code } : { ...result });
    return undefined;
  }
  for (const manager of ['dnf', 'yum'] as const) {
    if (!(await io.exists(`/usr/bin/${manager}`))) continue;
    const result = await io.exec(manager, ['-q', 'check-update']);
    const answered =
      result.ok && (result.code === CHECK_UPDATE_EXIT.none || result.code === CHECK_UPDATE_EXIT.available);
    if (answered) return parseCheckUpdate(result.stdout, manager);
    log(`${manager} check-update failed`, result.ok ? { code: result.code } : { ...result });
    return undefined;
  }
  return undefined;
}

/**
 * Pending OS updates and whether a reboot is pending, as inventory facts: `manager`, `pending`,
 * `security` (null when the manager cannot tell), `rebootRequired`. Empty where nothing tells.
 */
export async function collectUpdates(deps: {
  io: InventoryIo;
  platform: string;
  log?: DropLog;
}): Promise<Facts> {
  if (deps.platform !== 'linux') return {};
  const log: DropLog = deps.log ?? (() => {});
  const updates = await pending(deps.io, log);
  const facts: Facts = { rebootRequired: await deps.io.exists(REBOOT_REQUIRED_PATH) };
  if (!updates) return facts;
  return { ...facts, manager: updates.manager, pending: updates.pending, security: updates.security };
}
