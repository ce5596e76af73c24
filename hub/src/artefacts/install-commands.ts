import { psEncoded, psString, shellWord } from './script-quoting.js';

/** The one-line install commands shown for an enrolment token, one per OS. */
export interface InstallCommands {
  readonly linux: string;
  readonly macos: string;
  /** To paste into an elevated PowerShell. */
  readonly windows: string;
  /** The same for cmd.exe, a GPO startup script or Intune: -EncodedCommand needs no quoting. */
  readonly windowsCmd: string;
}

/**
 * One-liners for `hubUrl` and `token`. The token is an argument of the script (or an environment
 * variable on Windows), never part of a URL the hub or a proxy would log; it still shows in the
 * shell history and, briefly, in `ps` — tokens are short-lived and limited in uses for that reason.
 */
export function installCommands(hubUrl: string, token: string, role?: string): InstallCommands {
  const roleArgs = role ? ` --role ${shellWord(role)}` : '';
  const posix = `curl -fsSL ${shellWord(`${hubUrl}/install.sh`)} | sudo sh -s -- --token ${shellWord(token)}${roleArgs}`;
  const roleEnv = role ? `$env:VIGIE_ROLE=${psString(role)}; ` : '';
  const windows = `$env:VIGIE_ENROLMENT_TOKEN=${psString(token)}; ${roleEnv}irm ${psString(`${hubUrl}/install.ps1`)} | iex`;
  return {
    linux: posix,
    macos: posix,
    windows,
    windowsCmd: `powershell -NoProfile -ExecutionPolicy Bypass -EncodedCommand ${psEncoded(windows)}`,
  };
}
