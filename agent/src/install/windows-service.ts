import { windowsArg } from './quoting.js';
import { SERVICE_NAME } from './service-layout.js';

/** One command the installer runs: executable and arguments, never a shell string. */
export type Command = readonly [string, ...string[]];

/**
 * sc.exe commands that create, configure and start the Windows service. sc.exe wants `key=` and
 * its value as separate arguments; binPath is one command line, quoted per argument.
 */
export function windowsServiceCommands(programArguments: readonly string[]): Command[] {
  const binPath = programArguments.map(windowsArg).join(' ');
  return [
    [
      'sc.exe',
      'create',
      SERVICE_NAME,
      'binPath=',
      binPath,
      'start=',
      'delayed-auto',
      'DisplayName=',
      'Vigie agent',
    ],
    ['sc.exe', 'description', SERVICE_NAME, 'Vigie monitoring agent: reports this machine to its hub'],
    // Restart after 5 s, 5 s, then 60 s; the failure count resets after a day.
    [
      'sc.exe',
      'failure',
      SERVICE_NAME,
      'reset=',
      '86400',
      'actions=',
      'restart/5000/restart/5000/restart/60000',
    ],
    ['sc.exe', 'start', SERVICE_NAME],
  ];
}

/** sc.exe commands that stop and delete the service. */
export function windowsServiceRemoval(): Command[] {
  return [
    ['sc.exe', 'stop', SERVICE_NAME],
    ['sc.exe', 'delete', SERVICE_NAME],
  ];
}
