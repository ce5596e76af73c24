import { launchdPlist } from './launchd-plist.js';
import {
  SERVICE_LABEL,
  SERVICE_NAME,
  type ServiceLayout,
  type ServicePlatform,
  serviceLayout,
} from './service-layout.js';
import { systemdUnit } from './systemd-unit.js';
import {
  type Command,
  WINSW_LICENCE_TEXT,
  WRAPPER_ARTEFACT,
  WRAPPER_EXE,
  WRAPPER_EXE_CONFIG,
  WRAPPER_LICENCE,
  WRAPPER_XML,
  windowsServiceCleanup,
  windowsServiceCommands,
  windowsServiceRemoval,
  winswExeConfig,
  winswXml,
} from './windows-service.js';

/** What gets installed: the single-file build (run by a Node) or the single executable. */
export type Artefact =
  | { readonly kind: 'script'; readonly path: string; readonly node: string }
  | { readonly kind: 'binary'; readonly path: string };

/** The agent config written to the layout's config file; it holds no secret (that is in the state dir). */
export interface ServiceConfig {
  readonly hubUrl: string;
  readonly role?: string;
  readonly insecureAllowPlaintext?: boolean;
  /** N0 actions this machine allows (decision 0029): only root can change it, never the hub. */
  readonly allowRemediation?: string;
}

export interface PlannedFile {
  readonly path: string;
  readonly mode: number;
  readonly contents?: string;
  /** Copy this local file instead of writing `contents`. */
  readonly copyFrom?: string;
}

/** Everything `install` does, as data: tests read it, `applyInstall` carries it out. */
export interface InstallPlan {
  readonly layout: ServiceLayout;
  readonly dirs: ReadonlyArray<{ readonly path: string; readonly mode: number }>;
  readonly files: readonly PlannedFile[];
  /** What the service runs. */
  readonly programArguments: readonly string[];
  /** Run before the files are written, failures tolerated (Windows: stop and drop an older service). */
  readonly before: readonly Command[];
  readonly commands: readonly Command[];
}

export interface InstallInput {
  readonly platform: ServicePlatform;
  readonly artefact: Artefact;
  readonly config: ServiceConfig;
  /** PEM of an extra CA for the hub, copied next to the config. */
  readonly caPem?: string;
  /** Windows: the WinSW executable to install; by default `winsw.exe` beside the artefact. */
  readonly serviceWrapper?: string;
}

/**
 * Node flags of the installed service (single-file build only: an executable takes none). V8's lite
 * mode leaves out the optimising compilers, which the agent's small work per cycle does not need.
 * Measured side by side on 7 December 2026 (the bundle, 10 s interval, 120 s after the first
 * inventory, gross CPU, load ~4.3 on 2 cores): RSS 58.5 MiB lite against 60.4 plain, CPU 7.5
 * against 14.1 ms per cycle. `--max-semi-space-size=1`, `--v8-pool-size=1`, `--single-threaded`
 * and `--optimize-for-size` changed nothing measurable; `--jitless` cost CPU.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--lite-mode'];

/**
 * Environment of the installed service on Linux, for glibc's malloc, which reads it once at process
 * start (JS cannot set it). With a fixed mmap threshold, blocks of 32 KiB and more (V8's parser and
 * compiler scratch memory, large buffers) are mapped and unmapped on their own instead of staying in
 * the brk heap, which fragmented and kept ~6 MiB resident once freed; a fixed threshold also turns
 * off glibc's raising of it after the first such block is freed. One arena: the agent's allocating
 * is on its main thread. Measured on 7 December 2026 (bundle, `--lite-mode`, 10 s interval, 120 s
 * after the first inventory, side by side, load ~3.5): RSS 58.4 → 53.0 MiB, `[heap]` 8.9 → 3.1 MiB,
 * CPU 6.7 ms per cycle both; the arena bound alone took 0.2–1.4 MiB off. macOS and Windows do not
 * use glibc: nothing to set there.
 */
export const SERVICE_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '32768',
  MALLOC_ARENA_MAX: '1',
};

/**
 * The name a script is installed under: `vigie-agent.cjs` for the CommonJS build installers fetch
 * (decision 0043), `vigie-agent.mjs` for an ES module (the build agents installed before run) — Node
 * decides how to load a file by its extension, so the installed file keeps the one it came with.
 */
export function installedScriptName(artefactPath: string): string {
  return artefactPath.endsWith('.cjs') ? 'vigie-agent.cjs' : 'vigie-agent.mjs';
}

/** The files, directories and service-manager commands that install the agent on `platform`. */
export function planInstall(input: InstallInput): InstallPlan {
  const layout = serviceLayout(input.platform);
  const { join } = layout.path;
  const isWindows = input.platform === 'win32';
  const installed =
    input.artefact.kind === 'script'
      ? join(layout.installDir, installedScriptName(input.artefact.path))
      : join(layout.installDir, isWindows ? 'vigie-agent.exe' : 'vigie-agent');
  const run = ['run', '--config', layout.configFile];
  const programArguments =
    input.artefact.kind === 'script'
      ? [input.artefact.node, ...SERVICE_NODE_FLAGS, installed, ...run]
      : [installed, ...run];
  const config = {
    hubUrl: input.config.hubUrl,
    stateDir: layout.stateDir,
    ...(input.config.role !== undefined && { role: input.config.role }),
    ...(input.config.insecureAllowPlaintext && { insecureAllowPlaintext: true }),
    ...(input.config.allowRemediation !== undefined && { allowRemediation: input.config.allowRemediation }),
    ...(input.caPem !== undefined && { caFile: layout.caFile }),
  };
  const files: PlannedFile[] = [
    { path: installed, mode: 0o755, copyFrom: input.artefact.path },
    { path: layout.configFile, mode: 0o644, contents: `${JSON.stringify(config, null, 2)}\n` },
  ];
  if (input.caPem !== undefined) files.push({ path: layout.caFile, mode: 0o644, contents: input.caPem });
  const dirs = [
    { path: layout.installDir, mode: 0o755 },
    { path: layout.path.dirname(layout.configFile), mode: 0o755 },
    { path: layout.stateDir, mode: 0o700 },
  ];
  let commands: Command[];
  let before: Command[] = [];
  switch (input.platform) {
    case 'linux':
      files.push({
        path: layout.serviceFile ?? '',
        mode: 0o644,
        contents: systemdUnit({
          execStart: programArguments,
          environment: SERVICE_MALLOC_ENV,
          stateDir: layout.stateDir,
          installDir: layout.installDir,
        }),
      });
      commands = [
        ['systemctl', 'daemon-reload'],
        ['systemctl', 'enable', '--now', SERVICE_NAME],
      ];
      break;
    case 'darwin':
      files.push({
        path: layout.serviceFile ?? '',
        mode: 0o644,
        contents: launchdPlist({ programArguments, logFile: '/var/log/vigie-agent.log' }),
      });
      commands = [['launchctl', 'bootstrap', 'system', layout.serviceFile ?? '']];
      break;
    case 'win32': {
      const wrapper = join(layout.installDir, WRAPPER_EXE);
      const [executable = '', ...args] = programArguments;
      const logDir = join(layout.stateDir, 'logs');
      dirs.push({ path: logDir, mode: 0o700 });
      files.push(
        {
          path: wrapper,
          mode: 0o755,
          copyFrom: input.serviceWrapper ?? join(layout.path.dirname(input.artefact.path), WRAPPER_ARTEFACT),
        },
        { path: join(layout.installDir, WRAPPER_EXE_CONFIG), mode: 0o644, contents: winswExeConfig() },
        { path: join(layout.installDir, WRAPPER_LICENCE), mode: 0o644, contents: WINSW_LICENCE_TEXT },
        {
          path: join(layout.installDir, WRAPPER_XML),
          mode: 0o644,
          contents: winswXml({ executable, arguments: args, workingDirectory: layout.installDir, logDir }),
        },
      );
      before = windowsServiceCleanup();
      commands = windowsServiceCommands(wrapper);
      break;
    }
  }
  return { layout, dirs, files, programArguments, before, commands };
}

/** Everything `uninstall` does: stop and unregister, then remove files (the state dir on purge). */
export interface UninstallPlan {
  readonly stop: readonly Command[];
  readonly remove: readonly string[];
  readonly after: readonly Command[];
}

/** Reverses `planInstall`; keeps the state dir (credential, spool) unless `purge`. */
export function planUninstall(platform: ServicePlatform, purge: boolean): UninstallPlan {
  const layout = serviceLayout(platform);
  const remove = [layout.installDir, layout.configFile, layout.caFile];
  if (layout.serviceFile) remove.unshift(layout.serviceFile);
  if (purge) remove.push(layout.stateDir);
  switch (platform) {
    case 'linux':
      return {
        stop: [['systemctl', 'disable', '--now', SERVICE_NAME]],
        remove,
        after: [['systemctl', 'daemon-reload']],
      };
    case 'darwin':
      return { stop: [['launchctl', 'bootout', `system/${SERVICE_LABEL}`]], remove, after: [] };
    case 'win32':
      // The wrapper, its XML and its .exe.config are in installDir, removed with it.
      return {
        stop: windowsServiceRemoval(layout.path.join(layout.installDir, WRAPPER_EXE)),
        remove,
        after: [],
      };
  }
}

/** Commands that tell whether the service is installed and running, with how to read them. */
export function statusCommands(platform: ServicePlatform): { installed: Command; running: Command } {
  switch (platform) {
    case 'linux':
      return {
        installed: ['systemctl', 'is-enabled', SERVICE_NAME],
        running: ['systemctl', 'is-active', SERVICE_NAME],
      };
    case 'darwin':
      return {
        installed: ['launchctl', 'print', `system/${SERVICE_LABEL}`],
        running: ['launchctl', 'print', `system/${SERVICE_LABEL}`],
      };
    case 'win32':
      return { installed: ['sc.exe', 'query', SERVICE_NAME], running: ['sc.exe', 'query', SERVICE_NAME] };
  }
}
