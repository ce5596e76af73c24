import type { SmartCheck } from '../checks/smart.js';
import type { AgentConfig, ConfigFlags } from '../config/config.js';
import { type ConfigSources, loadConfig } from '../config/config.js';
import type { FingerprintResult } from '../identity/fingerprint.js';
import type { HostInfo } from '../identity/host-info.js';
import type { ServiceHost } from '../install/service-host.js';
import type { Log, LogLevel } from '../logger.js';
import type { AgentDeps, InventorySource, Sampler } from '../runtime/agent.js';
import type { Scheduler } from '../runtime/scheduler.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** The process around the CLI: streams, environment, signals. Injected so tests run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isRoot: boolean;
  readonly homeDir: string;
  readonly readConfigFile: ConfigSources['readFile'];
  readonly clock: () => number;
  readonly random: () => number;
  /** Calls `handler` on SIGINT/SIGTERM; returns a function that removes it. */
  readonly onStopSignal: (handler: () => void) => () => void;
  /** Where `run` logs (stdout in production). */
  readonly logger: (level: LogLevel) => Log;
}

/** What only a real machine provides; the CLI entry wires the real ones, tests pass fakes. */
export interface CliWiring {
  sampler(log: Log): Sampler;
  inventory(log: Log): InventorySource<unknown>;
  fingerprint(): Promise<FingerprintResult>;
  hostInfo(): Promise<HostInfo>;
  /** Disk health from smartctl; tests leave it out. */
  smart?(log: Log): SmartCheck;
  /** Test hook: timers for `run`. */
  readonly scheduler?: Scheduler;
  /** Test hook: connection tuning for `run` (short backoff and restart spread). */
  readonly connection?: AgentDeps<unknown>['connection'];
}

export interface CliContext {
  readonly io: CliIo;
  readonly wiring: CliWiring;
  /** The service manager for install/uninstall/status; defaults to this machine's. */
  readonly service?: ServiceHost;
}

/** Loads the config for a command, printing errors; a bad option is a usage error, the rest config. */
export async function configOrExit(
  io: CliIo,
  flags: ConfigFlags,
): Promise<{ ok: true; config: AgentConfig } | { ok: false; exitCode: ExitCode }> {
  const result = await loadConfig({
    flags,
    env: io.env,
    readFile: io.readConfigFile,
    isRoot: io.isRoot,
    homeDir: io.homeDir,
  });
  if (result.ok) return result;
  for (const error of result.errors) io.stderr(`vigie-agent: ${error.message}\n`);
  const usage = result.errors.some((error) => error.source === 'flag');
  return { ok: false, exitCode: usage ? EXIT_CODES.USAGE : EXIT_CODES.CONFIG };
}
