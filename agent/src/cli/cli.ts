import { parseArgs } from 'node:util';
import { cliLanguage, cliTexts, parseArgsMessage } from '@vigie/shared';
import { flagValueProblem } from '../config/config.js';
import { stat } from '../runtime/fs-async.js';
import { AGENT_VERSION } from '../version.js';
import type { CliContext, CliIo } from './context.js';
import { enrollCommand } from './enroll-command.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { HELP, type HelpTopic } from './help.js';
import { installCommand } from './install-command.js';
import { runCommand } from './run-command.js';
import { statusCommand } from './status-command.js';
import { uninstallCommand } from './uninstall-command.js';

const STRING = { type: 'string' } as const;
const BOOLEAN = { type: 'boolean' } as const;
const HELP_FLAG = { type: 'boolean', short: 'h' } as const;

/** Flags of each command; the flag table test derives its rows from it. */
export const OPTIONS = {
  enroll: {
    hub: STRING,
    token: STRING,
    role: STRING,
    'state-dir': STRING,
    config: STRING,
    ca: STRING,
    'insecure-allow-plaintext': BOOLEAN,
    force: BOOLEAN,
    help: HELP_FLAG,
  },
  run: {
    config: STRING,
    'state-dir': STRING,
    'log-level': STRING,
    'heartbeat-interval': STRING,
    'metrics-interval': STRING,
    'spool-max-bytes': STRING,
    'spool-max-age': STRING,
    'drain-rate': STRING,
    'reconnect-max-delay': STRING,
    'allow-remediation': STRING,
    ca: STRING,
    'insecure-allow-plaintext': BOOLEAN,
    help: HELP_FLAG,
  },
  status: { 'state-dir': STRING, config: STRING, json: BOOLEAN, root: STRING, help: HELP_FLAG },
  install: {
    hub: STRING,
    token: STRING,
    role: STRING,
    ca: STRING,
    root: STRING,
    artefact: STRING,
    'allow-remediation': STRING,
    'insecure-allow-plaintext': BOOLEAN,
    force: BOOLEAN,
    help: HELP_FLAG,
  },
  uninstall: { root: STRING, purge: BOOLEAN, help: HELP_FLAG },
} as const;

type Command = keyof typeof OPTIONS;
const ALIASES: Readonly<Record<string, Command>> = {
  enroll: 'enroll',
  enrol: 'enroll',
  run: 'run',
  status: 'status',
  install: 'install',
  uninstall: 'uninstall',
};

function usageError(context: CliContext, message: string, topic?: HelpTopic): ExitCode {
  const hint = topic && topic !== 'main' ? `vigie-agent help ${topic}` : 'vigie-agent --help';
  context.io.stderr(`vigie-agent: ${message}\nSee '${hint}'.\n`);
  return EXIT_CODES.USAGE;
}

function parse<C extends Command>(command: C, args: string[]) {
  return parseArgs({ args, options: OPTIONS[command], strict: true, allowPositionals: false });
}

/** Files a flag names that must exist. */
const FILE_FLAGS = new Set(['config', 'ca', 'artefact']);

/** The first bad flag value of a command, as a message naming the flag; undefined when all are fine. */
async function flagProblem(args: string[], command: Command, env: CliIo['env']): Promise<string | undefined> {
  const texts = cliTexts(cliLanguage(env));
  const { values } = parse(command, args);
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string') continue;
    const flag = `--${name}`;
    if (value === '') return texts.empty(flag);
    // A token is a secret: its length is enough to see what is wrong.
    if (name === 'token' && (value.length < 16 || value.length > 256))
      return texts.invalid(
        flag,
        `…(${value.length})`,
        cliLanguage(env) === 'fr' ? '16 à 256 caractères' : '16 to 256 characters',
      );
    const problem = flagValueProblem(flag, value, env);
    if (problem !== undefined) return problem;
    if (
      FILE_FLAGS.has(name) &&
      !(await stat(value).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      return texts.bad(flag, value, texts.existingFile);
  }
  return undefined;
}

/** Runs one vigie-agent invocation and returns its exit code; never calls process.exit. */
export async function cli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const [first, ...rest] = argv;
  const { io } = context;
  if (first === undefined) {
    io.stderr(HELP.main);
    return EXIT_CODES.USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout(HELP.main);
    return EXIT_CODES.OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${AGENT_VERSION}\n`);
    return EXIT_CODES.OK;
  }
  if (first === 'help') {
    const topic = rest[0] === undefined ? 'main' : ALIASES[rest[0]];
    if (!topic) return usageError(context, `unknown command '${rest[0]}'`);
    io.stdout(HELP[topic]);
    return EXIT_CODES.OK;
  }
  const command = ALIASES[first];
  if (!command) return usageError(context, `unknown command '${first}'`);

  try {
    const problem = await flagProblem(rest, command, io.env);
    if (problem !== undefined) return usageError(context, problem, command);
    switch (command) {
      case 'enroll': {
        const { values } = parse('enroll', rest);
        if (values.help) break;
        return await enrollCommand(context, {
          hub: values.hub,
          token: values.token,
          role: values.role,
          stateDir: values['state-dir'],
          config: values.config,
          ca: values.ca,
          insecureAllowPlaintext: values['insecure-allow-plaintext'],
          force: values.force ?? false,
        });
      }
      case 'run': {
        const { values } = parse('run', rest);
        if (values.help) break;
        return await runCommand(context, {
          config: values.config,
          stateDir: values['state-dir'],
          logLevel: values['log-level'],
          heartbeatInterval: values['heartbeat-interval'],
          metricsInterval: values['metrics-interval'],
          spoolMaxBytes: values['spool-max-bytes'],
          spoolMaxAge: values['spool-max-age'],
          drainRate: values['drain-rate'],
          reconnectMaxDelay: values['reconnect-max-delay'],
          allowRemediation: values['allow-remediation'],
          ca: values.ca,
          insecureAllowPlaintext: values['insecure-allow-plaintext'],
        });
      }
      case 'status': {
        const { values } = parse('status', rest);
        if (values.help) break;
        return await statusCommand(context, {
          stateDir: values['state-dir'],
          config: values.config,
          json: values.json ?? false,
          root: values.root,
        });
      }
      case 'install': {
        const { values } = parse('install', rest);
        if (values.help) break;
        return await installCommand(context, {
          hub: values.hub,
          token: values.token,
          role: values.role,
          ca: values.ca,
          root: values.root,
          artefact: values.artefact,
          allowRemediation: values['allow-remediation'],
          insecureAllowPlaintext: values['insecure-allow-plaintext'],
          force: values.force ?? false,
        });
      }
      case 'uninstall': {
        const { values } = parse('uninstall', rest);
        if (values.help) break;
        return await uninstallCommand(context, { root: values.root, purge: values.purge ?? false });
      }
    }
  } catch (error) {
    // parseArgs throws on unknown options, missing values and positionals: usage errors.
    const message = parseArgsMessage(error, cliLanguage(io.env));
    if (message !== undefined) return usageError(context, `${command}: ${message}`, command);
    throw error;
  }
  io.stdout(HELP[command]);
  return EXIT_CODES.OK;
}
