/** Help texts of `vigie-hub`, one per command. */
export const HELP = {
  main: `vigie-hub — the Vigie hub: ingests agent reports, opens incidents, serves the API

Usage:
  vigie-hub <command> [options]

Commands:
  start                 Run the hub (HTTP API, agents' WebSocket, health endpoint)
  migrate               Bring the database schema up to date and exit
  token create          Create an enrolment token for a client/site (printed once)
  token list            List enrolment tokens
  token revoke <id>     Revoke an enrolment token
  user create <name>    Create a user and print its API bearer token (once)
  user set-password <name>  Set a user's web console password (from standard input)
  help [command]        Show help for a command

Common options:
  --db <path|url>       SQLite file or postgres:// URL  [env VIGIE_HUB_DB, default ./var/vigie-hub.db]
                        A missing file in an existing directory is a new hub (first start);
                        a directory that does not exist is refused (a typo must not start an
                        empty hub with a new admin) unless --create or the default path.
  --create              Create the directory of --db if it does not exist
  --log-level <level>   fatal|error|warn|info|debug|trace|silent   [env VIGIE_LOG_LEVEL, default info]
  -h, --help            Show help
  -v, --version         Show the version

Exit codes: 0 ok, 1 runtime failure, 64 bad usage or configuration (EX_USAGE): the message
names the flag or variable, the value it got and what it expects.
Messages: usage errors are in French, in English when LC_ALL, LC_MESSAGES or LANG starts with 'en'.
Run 'vigie-hub help <command>' for the options of one command.`,

  start: `Usage: vigie-hub start [options]

Runs the hub. On first start with an empty database it creates the user 'admin' and prints
its API token once: keep it, the hub stores only its hash.

Options:
  --host <addr>                 Address to listen on   [env VIGIE_HUB_HOST, default 0.0.0.0]
  --port <n>                    Port (0 picks a free one) [env VIGIE_HUB_PORT, default 8420]
  --db <path|url>               SQLite file or postgres:// URL (several hubs may share one PostgreSQL)
                                [env VIGIE_HUB_DB, default ./var/vigie-hub.db]; its directory
                                must exist unless --create (or the default path)
  --create                      Create the directory of --db if missing
  --log-level <level>           Log level              [env VIGIE_LOG_LEVEL, default info]
  --heartbeat-interval <s>      Ping agents every s seconds; one missed pong drops them
                                [env VIGIE_HUB_HEARTBEAT_INTERVAL, default 10]
  --hello-timeout <s>           Close sockets that send no hello in time [env VIGIE_HUB_HELLO_TIMEOUT, default 10]
  --metrics-interval <s>        Metrics interval in the policy sent to agents [env VIGIE_METRICS_INTERVAL,
                                default the policy file's metricsIntervalSec, else 10]
  --policy <file>               JSON policy overrides sent to every agent: metricsIntervalSec,
                                processesIntervalSec, services, autoUpdate, checks (rules replace
                                the stock rule of their kind)               [env VIGIE_HUB_POLICY]
  --incident-sweep-interval <s> Run host-silent checks and incident timers every s seconds
                                [env VIGIE_INCIDENT_SWEEP_INTERVAL, default 5]
  --host-silent-grace <s>       A host unheard this long after its last frame is silent
                                [env VIGIE_HOST_SILENT_GRACE, default 3 heartbeat intervals]
  --incident-rules <file>       JSON incident rules: priorityMatrix, urgency, impactRules, routing,
                                reopen/quiet/close/stale timeouts, grouping, problems; each key given
                                replaces its default   [env VIGIE_INCIDENT_RULES: JSON or @file]
  --sla-rules <file>            JSON SLA rules: targets per priority, warnRatio, stock escalation
                                policies per level     [env VIGIE_SLA_RULES: JSON or @file]
  --tls-cert <file>             PEM certificate (chain): serve HTTPS/WSS   [env VIGIE_HUB_TLS_CERT]
  --tls-key <file>              PEM private key of that certificate        [env VIGIE_HUB_TLS_KEY]
  --public-url <url>            URL agents reach the hub at, written into install scripts
                                [env VIGIE_HUB_PUBLIC_URL, default: the URL each request came to]
  --agent-artefacts <dir>       Agent artefacts served at /downloads
                                [env VIGIE_AGENT_ARTEFACTS_DIR, default agent/dist-bundle]
  --signing-key <file>          ed25519 key (PKCS#8 PEM) signing agent updates; created 0600 if missing
                                [env VIGIE_HUB_SIGNING_KEY, default agent-signing-key.pem beside --db]
  --retention <spec>            How long metrics are kept, raw then per roll-up tier
                                [env VIGIE_RETENTION, default raw=2h,1m=2d,10m=60d,1h=2y]
  --legacy-hello <when>         Hellos with the bare secret (agents without nonce proofs):
                                allow, refuse, or an ISO date from which they are refused
                                [env VIGIE_HUB_LEGACY_HELLO, default allow]
  --trusted-proxies <cidrs>     Reverse proxies whose X-Forwarded-For is believed (addresses/CIDRs,
                                comma-separated) [env VIGIE_HUB_TRUSTED_PROXIES, default none]
  --metrics-allow <cidrs>       Who may scrape /metrics without an admin API token ('' for nobody)
                                [env VIGIE_HUB_METRICS_ALLOW, default 127.0.0.0/8,::1]
  --headers-timeout <s>         Close a socket whose request headers are not in within s of accept
                                (also one that sends nothing)   [env VIGIE_HUB_HEADERS_TIMEOUT, default 10]
  --request-timeout <s>         Close a socket whose request is not in within s
                                [env VIGIE_HUB_REQUEST_TIMEOUT, default 60]
  --max-connections <n>         Sockets open at once; over it the oldest idle one is dropped
                                [env VIGIE_HUB_MAX_CONNECTIONS, default ulimit -n less 128]

The hub logs JSON lines on stdout and prints 'listening <url>' on stderr when ready.
SIGINT/SIGTERM close agents' sockets with "service restart" (4030) and exit 0.`,

  migrate: `Usage: vigie-hub migrate [--db <path>]

Applies pending database migrations and exits. 'start' does the same on its own.`,

  token: `Usage:
  vigie-hub token create [--client <name>] [--site <name>] [--role server|workstation]
                         [--uses <n>] [--ttl <hours>] [--note <text>] [--db <path>] [--quiet]
  vigie-hub token list [--db <path>]
  vigie-hub token revoke <id> [--db <path>]

'create' prints the token once (with --quiet, only the token), then how to enrol an agent with it:
  vigie-agent enroll --hub <hub url> --token <token>
Defaults: client 'default', site 'default', 1 use, valid 168 hours (7 days).`,

  user: `Usage: vigie-hub user create <name> --role admin|n1|n2|n3|readonly [--clients <name>,…] [--password-stdin] [--db <path>] [--quiet]
       vigie-hub user set-password <name> --password-stdin [--db <path>]

'create' makes a user and prints its API bearer token once (with --quiet, only the token). Use it as
'Authorization: Bearer <token>' on /api/v1. With --password-stdin, the password piped on standard
input (10 to 256 characters) also lets the user sign in to the web console at /console.
With --clients, the user sees only those clients' hosts, incidents and inventory (names of existing
clients; PUT /api/v1/users/:id/clients changes it later).
'set-password' sets or replaces that password and signs the user out of the console everywhere.`,
} as const;
