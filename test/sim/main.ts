import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseSimArgs } from './args.js';
import { FAULT_USAGE } from './fault-command.js';
import { HELP } from './help.js';
import { type Simulation, startSimulation } from './simulation.js';
import { formatSummary, type SimSummary } from './summary.js';

// Exit codes as the other Vigie CLIs: 0 ok, 1 runtime failure, 2 bad usage.

/** Line commands typed while the simulation runs: faults, `status`, `help`, `quit`. */
function listenToStdin(sim: Simulation, stop: (reason: string) => void): () => void {
  const lines = createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (raw) => {
    const line = raw.trim();
    if (line === '') return;
    if (line === 'quit' || line === 'exit' || line === 'stop') return stop('quit');
    if (line === 'status') return void process.stdout.write(`${sim.progress()}\n`);
    // A benchmark's window: `mark` starts it, `mark?` prints `mark {latency…}` since then.
    if (line === 'mark') return void sim.stats.markLatency.reset();
    if (line === 'mark?')
      return void process.stdout.write(
        `mark ${JSON.stringify({ ...sim.stats.markLatency.snapshot(), acked: sim.stats.acked, sent: sim.stats.metricsSent + sim.stats.checkStatesSent, connected: sim.stats.connected })}\n`,
      );
    if (line === 'help')
      return void process.stdout.write(
        `fault commands:\n${FAULT_USAGE}\nstatus | mark | mark? | help | quit\n`,
      );
    const injected = sim.inject(line, 'stdin');
    if (!injected.ok) process.stdout.write(`? ${injected.error} (type help)\n`);
  });
  // End of input (a pipe, </dev/null) is not a request to stop: the run goes on until its duration.
  return () => lines.close();
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseSimArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`vigie-sim: ${parsed.error}\nrun with --help for usage\n`);
    return 2;
  }
  if (parsed.value.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const options = parsed.value.options;
  const started = await startSimulation(options);
  if (!started.ok) {
    process.stderr.write(`vigie-sim: ${started.error}\n`);
    return 1;
  }
  const sim = started.value;
  const stop = (reason: string) => void sim.stop(reason);
  const onSignal = () => {
    process.stdout.write('\nstopping: closing sockets…\n');
    stop('SIGINT');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', () => stop('SIGTERM'));
  const closeStdin = listenToStdin(sim, stop);

  const summary: SimSummary = await sim.done;
  closeStdin();
  process.stdout.write(`${formatSummary(summary)}\n`);
  if (options.jsonFile) {
    await writeFile(options.jsonFile, `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`summary written to ${options.jsonFile}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    // stdin may still hold the event loop open: the summary is out, leave.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `vigie-sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
