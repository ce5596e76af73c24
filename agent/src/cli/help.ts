import { CONFIG_ENV, DEFAULT_CONFIG_FILE } from '../config/config.js';

// Help texts, one per command. Kept next to each other so options, environment and exit codes
// read the same everywhere.

const EXIT_CODES_TEXT = `Exit codes:
  0   success (run: stopped by SIGINT/SIGTERM)
  1   failure (enrolment refused, hub unreachable during enroll, I/O error)
  64  usage error (EX_USAGE): unknown command or option, missing argument, or a bad
      flag value — the message names the flag, the value and what it expects
  75  run: a new agent version was installed (or rolled back); the service manager restarts it
  78  configuration error a human must fix: invalid config, not enrolled, or the hub
      refused the credential (wrong, revoked, other machine, agent too old)`;

const ENVIRONMENT_TEXT = `Environment (overridden by options, override the config file):
  ${CONFIG_ENV.hubUrl.padEnd(32)}hub URL (enroll; for run, overrides the enrolled URL)
  ${CONFIG_ENV.stateDir.padEnd(32)}state directory
  ${CONFIG_ENV.logLevel.padEnd(32)}fatal|error|warn|info|debug|trace|silent
  ${CONFIG_ENV.role.padEnd(32)}server|workstation (enroll)
  ${CONFIG_ENV.heartbeatIntervalSec.padEnd(32)}seconds between pings to the hub (default 30)
  ${CONFIG_ENV.metricsIntervalSec.padEnd(32)}dev/test: fast-cycle seconds, overrides the hub's policy
  ${CONFIG_ENV.spoolMaxBytes.padEnd(32)}spool bound in bytes (default 64 MiB)
  ${CONFIG_ENV.spoolMaxAgeSec.padEnd(32)}age bound of unsent samples, seconds (default 7 days)
  ${CONFIG_ENV.drainRatePerSec.padEnd(32)}backlog messages per second after an outage (default 2)
  ${CONFIG_ENV.caFile.padEnd(32)}extra CA certificate (PEM) for an https:// hub
  ${CONFIG_ENV.insecureAllowPlaintext.padEnd(32)}true: allow http:// to a non-loopback hub
  ${CONFIG_ENV.updateDelaySec.padEnd(32)}longest random wait before fetching an update, s (default 600)
  ${CONFIG_ENV.updateProbationSec.padEnd(32)}a new version must reach the hub within s, else rollback (default 600)
  ${CONFIG_ENV.reconnectMaxDelaySec.padEnd(32)}longest wait between reconnects while the hub was reachable lately, s (default 20)
  ${CONFIG_ENV.configFile.padEnd(32)}config file (default ${DEFAULT_CONFIG_FILE} if it exists)
  ${'VIGIE_ENROLMENT_TOKEN'.padEnd(32)}enrolment token (keeps it out of the process list)`;

function stateDirText(column: number): string {
  const indent = ' '.repeat(column);
  return `  ${'--state-dir DIR'.padEnd(column - 2)}where credentials.json, policy.json and state.json live
${indent}(default /var/lib/vigie-agent as root, else ~/.local/state/vigie-agent)`;
}

export const HELP = {
  main: `vigie-agent — reports this machine's health and inventory to a Vigie hub

Usage:
  vigie-agent enroll --hub URL --token TOKEN [--role server|workstation] [--state-dir DIR] [--force]
  vigie-agent run [--config FILE] [--state-dir DIR] [--metrics-interval S] [--log-level LEVEL]
  vigie-agent status [--state-dir DIR] [--json]
  vigie-agent install --hub URL --token TOKEN [--role ROLE] [--ca FILE] [--root DIR]
  vigie-agent uninstall [--purge] [--root DIR]
  vigie-agent help [command]
  vigie-agent --version

Commands:
  enroll   trade an enrolment token for this agent's own credential (alias: enrol)
  run      collect and report until stopped (what the system service runs)
  status   show enrolment, when the agent last reached its hub, and the service state
  install  enrol, then install and start the agent as a system service (systemd, launchd,
           Windows service)
  uninstall  stop and remove the service (the state dir stays unless --purge)
  help     show help for a command

Config file (JSON, ${DEFAULT_CONFIG_FILE} by default): keys hubUrl, stateDir, logLevel, role,
heartbeatIntervalSec, metricsIntervalSec, spoolMaxBytes, spoolMaxAgeSec, drainRatePerSec, caFile,
insecureAllowPlaintext. Precedence: options > environment > file > defaults.

${ENVIRONMENT_TEXT}

Examples:
  sudo vigie-agent enroll --hub https://vigie.example.com --token vge_3kq… --role server
  sudo vigie-agent run
  vigie-agent status --state-dir ./var/agent

${EXIT_CODES_TEXT}
`,
  enroll: `Usage: vigie-agent enroll --hub URL --token TOKEN [options]

Trades a one-time enrolment token for this agent's credential and stores it in
<state-dir>/credentials.json (mode 0600). The credential is bound to this machine.

Options:
  --hub URL          the hub's base URL, e.g. https://vigie.example.com
  --token TOKEN      enrolment token created on the hub (or VIGIE_ENROLMENT_TOKEN)
  --role ROLE        server | workstation (default: the hub guesses from the OS)
${stateDirText(21)}
  --config FILE      config file to read
  --ca FILE          also trust this CA (PEM) for an https:// hub
  --insecure-allow-plaintext
                     allow http:// to a hub that is not on this machine
  --force            enrol again even if this state dir already holds a credential
  -h, --help         show this help

Examples:
  sudo vigie-agent enroll --hub https://vigie.example.com --token vge_3kq… --role server
  VIGIE_ENROLMENT_TOKEN=vge_3kq… vigie-agent enroll --hub http://127.0.0.1:8420 --state-dir ./agent

${EXIT_CODES_TEXT}
`,
  run: `Usage: vigie-agent run [options]

Connects to the hub, collects samples at the intervals of the hub's policy (the last one
received is kept in policy.json and applied while offline), sends the inventory when it
changes, and resends whatever the hub has not acknowledged after a reconnect.
Logs JSON lines on stdout. SIGINT/SIGTERM stop it cleanly (exit 0).

Options:
  --config FILE             config file (default ${DEFAULT_CONFIG_FILE} if it exists)
${stateDirText(28)}
  --log-level LEVEL         fatal|error|warn|info|debug|trace|silent (default info)
  --heartbeat-interval S    seconds between pings to the hub (default 30)
  --metrics-interval S      dev/test only: fast-cycle seconds, overrides the hub's policy
  --spool-max-bytes N       bound of the on-disk spool <state-dir>/spool (default 64 MiB);
                            past 3/4 of it the oldest samples go (the hub records the gap)
  --spool-max-age S         unsent samples older than this are dropped (default 604800, 7 days)
  --drain-rate N            backlog metrics messages per second after an outage (default 2)
  --reconnect-max-delay S   longest wait between reconnects while the hub was reachable lately (default 20)
  --allow-remediation LIST  N0 actions the hub may ask for (docs/remediation.md): restart-service,
                            clean-folder:<folder>, clear-package-cache (default: none)
  --ca FILE                 also trust this CA (PEM) for an https:// hub
  --insecure-allow-plaintext
                            allow http:// to a hub that is not on this machine
  -h, --help                show this help

${ENVIRONMENT_TEXT}

${EXIT_CODES_TEXT}
`,
  status: `Usage: vigie-agent status [options]

Shows whether this agent is enrolled, its hub and agent id, the policy revision in force and
when the running agent last connected to and was acknowledged by its hub (from state.json).

Options:
${stateDirText(21)}
  --config FILE      config file to read
  --json             print the same as one JSON object
  -h, --help         show this help

Exit codes:
  0   enrolled
  1   not enrolled
  78  state files unreadable or corrupt, or invalid configuration
`,
  install: `Usage: vigie-agent install --hub URL --token TOKEN [options]

Enrols this machine (as enroll does; a machine already enrolled with this hub keeps its
credential), then installs the agent as a system service and starts it:
  Linux    /opt/vigie-agent/, /etc/vigie/agent.json, a hardened systemd unit
           /etc/systemd/system/vigie-agent.service (runs as root in a sandbox, state in
           /var/lib/vigie-agent, no restart on exit 78), systemctl enable --now
  macOS    /opt/vigie-agent/, /etc/vigie/agent.json, /Library/LaunchDaemons/com.vigie.agent.plist
  Windows  C:\\Program Files\\Vigie, C:\\ProgramData\\Vigie\\agent.json, service vigie-agent run by
           the WinSW wrapper vigie-agent-service.exe (copied from winsw.exe beside the file,
           or from the file VIGIE_SERVICE_WRAPPER names)
Run it from the single-file build (node vigie-agent.cjs install …) or the single executable: the
file itself is what gets installed. Must run as root (Administrator on Windows).

Options:
  --hub URL          the hub's base URL
  --token TOKEN      enrolment token (or VIGIE_ENROLMENT_TOKEN, which keeps it out of ps)
  --role ROLE        server | workstation
  --ca FILE          also trust this CA (PEM) for an https:// hub; copied to /etc/vigie/hub-ca.pem
  --root DIR         write every file under DIR instead of / (to try it out, and for tests)
  --artefact FILE    install this vigie-agent.cjs or executable instead of the running one
  --allow-remediation LIST
                     N0 actions the hub may ask for, kept in the config file (docs/remediation.md):
                     restart-service, clean-folder:<folder>, clear-package-cache (default: none)
  --insecure-allow-plaintext
                     allow http:// to a hub that is not on this machine
  --force            enrol again even if already enrolled
  -h, --help         show this help

Environment:
  ${'VIGIE_INSTALL_FAKE_RUNNER=FILE'.padEnd(32)}record service-manager commands in FILE, run none (tests)

${EXIT_CODES_TEXT}
`,
  uninstall: `Usage: vigie-agent uninstall [--purge] [--root DIR]

Stops and unregisters the service, and removes the installed files and config. The state
directory (credential, unsent data) stays so a re-install keeps this agent's identity;
--purge removes it too.

Options:
  --purge            also remove the state directory
  --root DIR         the root given to install --root
  -h, --help         show this help
`,
} as const;

export type HelpTopic = keyof typeof HELP;
