import type { ExecFile } from '../collectors/deps.js';

/**
 * The machine's service manager, as N0 uses it: which units exist, and restart one. Every call is
 * a fixed program with an argument array (no shell), and a name is only ever passed after `--`
 * where the tool takes it, after it was found in the manager's own list.
 */
export interface ServiceManager {
  /** Names of the units/services/labels the manager knows (loaded or not running). */
  list(): Promise<readonly string[]>;
  restart(unit: string): Promise<void>;
}

/** systemd: `systemctl list-units --all` then `systemctl restart -- <unit>`. */
export function systemdManager(exec: ExecFile): ServiceManager {
  return {
    async list() {
      const { stdout } = await exec('systemctl', [
        'list-units',
        '--type=service',
        '--all',
        '--no-legend',
        '--plain',
        '--no-pager',
      ]);
      return stdout
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[0] ?? '')
        .filter((unit) => unit !== '');
    },
    async restart(unit) {
      await exec('systemctl', ['restart', '--', unit]);
    },
  };
}

/** Windows: `sc.exe query state= all` lists SERVICE_NAME lines; restart is stop then start. */
export function windowsServiceManager(exec: ExecFile): ServiceManager {
  return {
    async list() {
      const { stdout } = await exec('sc.exe', ['query', 'state=', 'all']);
      return [...stdout.matchAll(/^SERVICE_NAME:\s*(.+?)\s*$/gm)].map((m) => m[1] ?? '').filter(Boolean);
    },
    async restart(unit) {
      // A stopped service answers 1062 to stop: the start that follows is what matters.
      await exec('sc.exe', ['stop', unit]).catch(() => undefined);
      await exec('sc.exe', ['start', unit]);
    },
  };
}

/** launchd: `launchctl list` (third column is the label), `launchctl kickstart -k system/<label>`. */
export function launchdManager(exec: ExecFile): ServiceManager {
  return {
    async list() {
      const { stdout } = await exec('launchctl', ['list']);
      return stdout
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[2] ?? '')
        .filter((label) => label !== '');
    },
    async restart(unit) {
      await exec('launchctl', ['kickstart', '-k', `system/${unit}`]);
    },
  };
}

/** The manager of this platform; undefined where N0 cannot restart services. */
export function serviceManagerFor(platform: NodeJS.Platform, exec: ExecFile): ServiceManager | undefined {
  if (platform === 'linux') return systemdManager(exec);
  if (platform === 'win32') return windowsServiceManager(exec);
  if (platform === 'darwin') return launchdManager(exec);
  return undefined;
}

/** The unit the manager lists for a watched service's name (`nginx` is `nginx.service`). */
export function findUnit(units: readonly string[], name: string): string | undefined {
  if (units.includes(name)) return name;
  return units.find((unit) => unit === `${name}.service`);
}
