import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { installCommands } from './install-commands.js';
import { psString } from './script-quoting.js';

const run = promisify(execFile);

describe('installCommands with hostile values', () => {
  const token = `t'; rm -rf / #$(id)\`id\`"`;
  const hub = "https://h'$(id).example";

  it('keeps every value one word for sh', async () => {
    const { linux } = installCommands(hub, token, 'server');
    // Swap the download for a printer of the arguments sh would receive.
    const probe = linux.replace(/^curl .*? \| sudo sh -s --/, 'printf "%s\\n"');
    const { stdout } = await run('sh', ['-c', probe]);
    expect(stdout.split('\n').slice(0, 4)).toEqual(['--token', token, '--role', 'server']);
    expect(linux.startsWith(`curl -fsSL 'https://h'\\''$(id).example/install.sh'`)).toBe(true);
  });

  it('doubles every kind of single quote PowerShell knows', () => {
    expect(psString("a'b\u2019c")).toBe("'a''b\u2019\u2019c'");
    expect(installCommands(hub, token).windows).toContain(
      `$env:VIGIE_ENROLMENT_TOKEN='t''; rm -rf / #$(id)\`id\`"'`,
    );
  });
});
