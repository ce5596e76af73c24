import { describe, expect, it } from 'vitest';
import { AGENT_BIN, runCli } from '../support/processes.js';

// The in-process table (agent/src/cli/flags.test.ts) covers every flag; these run the built binary.
describe('vigie-agent bad flag values', () => {
  it.each([
    [
      ['run', '--heartbeat-interval', 'abc'],
      "--heartbeat-interval : « abc » n'est pas un nombre entier entre 1 et 600",
    ],
    [['enroll', '--role', 'boss'], "--role : « boss » n'est pas l'une des valeurs server, workstation"],
    [
      ['install', '--ca', '/nonexistent/ca.pem'],
      "--ca : « /nonexistent/ca.pem » n'est pas un fichier existant",
    ],
  ])('%j exits 64 naming the flag, with no stack', async (args, message) => {
    const result = await runCli(AGENT_BIN, args, { LANG: 'fr_FR.UTF-8', LC_ALL: '' });
    expect(result.code).toBe(64);
    expect(result.output).toContain(message);
    expect(result.output).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('speaks English when LANG does', async () => {
    const result = await runCli(AGENT_BIN, ['run', '--drain-rate', 'fast'], {
      LANG: 'en_US.UTF-8',
      LC_ALL: '',
    });
    expect(result.code).toBe(64);
    expect(result.output).toContain("--drain-rate: 'fast' is not a number from 0.1 to 1000");
  });
});
