#!/usr/bin/env node
// A tiny stand-in for systemd's `systemctl`, for tests on machines without systemd as PID 1
// (this one has none): installed as `systemctl` early on PATH, it really starts and stops child
// processes. Its state lives in $VIGIE_SYSTEMCTL_STATE: units.json maps a unit name to the argv
// it runs ({ "nginx.service": ["sleep", "600"] }); <unit>.pid holds the running child's pid;
// restarts.log gets one line per restart. It answers the calls the agent makes:
//   list-units --type=service --all --no-legend --plain --no-pager
//   show --property=Id,LoadState,ActiveState -- a b c
//   restart [--] unit | start [--] unit | stop [--] unit | is-active unit
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.VIGIE_SYSTEMCTL_STATE;
if (!dir) {
  process.stderr.write('systemctl stand-in: VIGIE_SYSTEMCTL_STATE is not set\n');
  process.exit(1);
}
const units = JSON.parse(readFileSync(join(dir, 'units.json'), 'utf8'));
const args = process.argv.slice(2).filter((a) => a !== '--');
const command = args[0];

const unitOf = (name) => (units[name] ? name : units[`${name}.service`] ? `${name}.service` : undefined);
const pidFile = (unit) => join(dir, `${unit}.pid`);

/** Alive and not a zombie (this container's PID 1 may not reap what it inherits). */
function alive(unit) {
  if (!existsSync(pidFile(unit))) return false;
  const pid = Number(readFileSync(pidFile(unit), 'utf8'));
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

function stop(unit) {
  if (!alive(unit)) return;
  const pid = Number(readFileSync(pidFile(unit), 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {}
}

function start(unit) {
  const [file, ...rest] = units[unit];
  const child = spawn(file, rest, { detached: true, stdio: 'ignore' });
  child.unref();
  writeFileSync(pidFile(unit), String(child.pid));
}

switch (command) {
  case 'list-units':
    for (const unit of Object.keys(units)) {
      const up = alive(unit);
      process.stdout.write(`${unit} loaded ${up ? 'active running' : 'inactive dead'} stand-in ${unit}\n`);
    }
    break;
  case 'show': {
    const names = args.slice(1).filter((a) => !a.startsWith('--'));
    const blocks = names.map((name) => {
      const unit = unitOf(name);
      if (!unit) return `Id=${name}\nLoadState=not-found\nActiveState=inactive`;
      return `Id=${unit}\nLoadState=loaded\nActiveState=${alive(unit) ? 'active' : 'inactive'}`;
    });
    process.stdout.write(`${blocks.join('\n\n')}\n`);
    break;
  }
  case 'restart':
  case 'start':
  case 'stop': {
    const unit = unitOf(args[1] ?? '');
    if (!unit) {
      process.stderr.write(`Failed to ${command} ${args[1]}: Unit ${args[1]} not found.\n`);
      process.exit(5);
    }
    if (command !== 'start') stop(unit);
    if (command !== 'stop') start(unit);
    appendFileSync(join(dir, 'restarts.log'), `${command} ${unit}\n`);
    break;
  }
  case 'is-active': {
    const unit = unitOf(args[1] ?? '');
    const up = unit !== undefined && alive(unit);
    process.stdout.write(`${up ? 'active' : 'inactive'}\n`);
    process.exit(up ? 0 : 3);
    break;
  }
  default:
    process.stderr.write(`systemctl stand-in: unknown command ${command}\n`);
    process.exit(1);
}
