import { FAULT_USAGE } from './fault-command.js';

/** `--help`: every option, the fault grammar and examples. */
export const HELP = `vigie fleet simulator — N simulated agents speaking protocol v1 to a real hub

usage: npm run sim -- --hub URL --token ADMIN_API_TOKEN --agents N [options]

options:
  --hub URL             the hub's HTTP base URL (the WebSocket is URL/api/v1/agent/ws)      required
  --token TOKEN         admin API token, used to create enrolment tokens (not needed when the
                        credentials file already holds N agents for this hub)
  --agents, -n N        simulated agents                                                      required
  --interval S          seconds between two reports of one agent (open loop)                  10
  --duration S          stop after S (ramp included); without it, run until Ctrl-C or "quit"
  --client C            client name of the enrolled hosts                                     sim
  --sites K             spread hosts over K sites named site-01…site-K (one enrolment token
                        per site, since a host's site comes from its token)                   min(5, N)
  --credentials FILE    credentials cache                var/sim-credentials-<hub host>-<N>.json
  --fresh               enrol again even if the credentials file matches
  --ramp S              open the N connections evenly over S seconds                         ceil(N/200)
  --seed N              seed of every random choice (hosts, values, jitter, fault targets;
                        boot ids excepted: every run is a new boot)                           1
  --fault "at=T CMD"    schedule a fault T after start; repeatable (see below)
  --progress S          print progress every S seconds                                        5
  --json FILE           also write the summary as JSON to FILE
  --concurrency N       enrolments in flight                                                  32
  --checks-every D      run the agent's checks at most once per D per agent (0: every sample) 0
  --reports-after D     no report before D from the start (connect the fleet first, then load)   0
  --zero-mask           mask frames with a zero key (no copy, no XOR; the hub's work is the same)
  --sample-delta        announce sampleDelta and send samples as changes, as the real agent does
                        (through its encoder, no template: ~3x the simulator's CPU per report)
  --help, -h            this text

Durations: a number of seconds, or 250ms, 30s, 2m, 1h.

Fault commands (typed on stdin while running, or scheduled with --fault). N is a count of agents,
P% a share of the whole fleet, all every eligible agent:
${FAULT_USAGE}
Other stdin commands: status (progress now), mark (start a latency window), mark? (print
"mark {json}": send→ack latency since the mark, acked and sent so far), help, quit (summary and exit).
Progress counts frozen agents as connected until their socket closes.
Every injection is logged with its time and the hosts hit, and listed in the summary.

Examples:
  npm run sim -- --hub http://127.0.0.1:8420 --token vgt_… --agents 1000 --interval 10 --duration 60
  npm run sim -- --hub http://127.0.0.1:8420 --token vgt_… -n 200 --interval 5 --sites 4 \\
      --fault "at=30s kill 5%" --fault "at=45s breach 10 cpu=97 for=2m" --json var/sim.json
  npm run sim -- --hub http://hub:8420 --agents 10000 --ramp 60 --fault "at=2m site-down site-03"
`;
