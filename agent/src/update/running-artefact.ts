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
  if (input.script && basename(input.script) === 'vigie-agent.mjs')
    return { kind: 'script', path: input.script, platform, arch };
  return undefined;
}

/** The announced artefact that replaces `running`: same kind, and for an executable the same platform. */
export function matchingArtefact(
  running: RunningArtefact,
  artefacts: readonly AnnouncedArtefact[],
): AnnouncedArtefact | undefined {
  return artefacts.find(
    (artefact) =>
      artefact.kind === running.kind &&
      (running.kind === 'script' ||
        (artefact.platform === running.platform && artefact.arch === running.arch)),
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
