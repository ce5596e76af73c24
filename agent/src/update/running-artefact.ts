import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import type { AnnouncedArtefact } from '@vigie/shared';

/** The file this agent runs from, when it is an artefact it may replace. */
export interface RunningArtefact {
  readonly kind: 'script' | 'binary';
  readonly path: string;
  readonly platform: string;
  readonly arch: string;
}

/**
 * The single-file builds: CommonJS, what installers install (decision 0043), and the ES module that
 * agents installed before it run, and keep running: a service names its file, so each updates to the
 * build of its own name.
 */
const SCRIPT_NAMES: readonly string[] = ['vigie-agent.cjs', 'vigie-agent.mjs'];

/**
 * This process as an artefact: the single executable, or the single-file build run by a Node.
 * A development checkout (`bin/vigie-agent.js` over `dist/`) is not one, and never updates itself.
 */
export function runningArtefact(input: {
  readonly isSea: boolean;
  readonly execPath: string;
  readonly script: string | undefined;
  readonly platform: string;
  readonly arch: string;
}): RunningArtefact | undefined {
  const { platform, arch } = input;
  if (input.isSea) return { kind: 'binary', path: input.execPath, platform, arch };
  if (input.script && SCRIPT_NAMES.includes(basename(input.script)))
    return { kind: 'script', path: input.script, platform, arch };
  return undefined;
}

/**
 * The announced artefact that replaces `running`: for a script the one of the same name (a CommonJS
 * file must not be replaced by an ES module, nor the reverse: Node decides by the extension), for an
 * executable the one of the same platform.
 */
export function matchingArtefact(
  running: RunningArtefact,
  artefacts: readonly AnnouncedArtefact[],
): AnnouncedArtefact | undefined {
  return artefacts.find(
    (artefact) =>
      artefact.kind === running.kind &&
      (running.kind === 'script'
        ? artefact.name === basename(running.path)
        : artefact.platform === running.platform && artefact.arch === running.arch),
  );
}

/**
 * Runs `<file> --version` the way the service will run it (a script by this Node) and returns
 * what it printed: a build that does not start is caught before it replaces a working one.
 */
export function reportedVersion(kind: RunningArtefact['kind'], file: string, node: string): Promise<string> {
  const [command, args] = kind === 'script' ? [node, [file, '--version']] : [file, ['--version']];
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000, maxBuffer: 64 * 1024 }, (error, stdout) =>
      resolve(error ? `failed: ${error.message.split('\n')[0]}` : stdout.trim()),
    );
  });
}
