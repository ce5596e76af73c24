import { hostname } from 'node:os';

// The agent's log lines, written by hand: pino's format (the lines journald and log shippers
// already read), without pino. pino loads `worker_threads` for its transports and `assert`
// through sonic-boom whatever the destination; with thread-stream and its serialisers that is
// ~0.6 MiB of resident memory in an agent that writes a few lines an hour (issue 19).

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type LogFn = (message: string, fields?: Record<string, unknown>) => void;

/** What every agent module logs through: message first, structured fields second. */
export interface Log {
  readonly error: LogFn;
  readonly warn: LogFn;
  readonly info: LogFn;
  readonly debug: LogFn;
}

/** A logger that drops everything; for code paths (and tests) that do not care. */
export const SILENT_LOG: Log = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** pino's level numbers, so a line reads the same as before and as the hub's. */
const LEVEL_NUMBER: Readonly<Record<LogLevel, number>> = {
  fatal: 60,
  error: 50,
  warn: 40,
  info: 30,
  debug: 20,
  trace: 10,
  silent: Number.POSITIVE_INFINITY,
};

/** An Error as pino's standard serialiser writes one; JSON.stringify would write `{}`. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { type: value.name, message: value.message, stack: value.stack };
}

function fieldsJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, errorReplacer);
  } catch (error) {
    // A cycle or a BigInt: the line still goes out, saying which fields could not be written.
    return JSON.stringify({ fieldsError: (error as Error).message, fields: Object.keys(fields) });
  }
}

/**
 * JSON lines on stdout (journald and container runtimes collect stdout), at `level`, one write per
 * line: `{"level":30,"time":…,"pid":…,"hostname":…,"name":"vigie-agent",…fields,"msg":…}`.
 */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Log {
  const threshold = LEVEL_NUMBER[level];
  const base = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"name":"vigie-agent"`;
  const at =
    (method: 'error' | 'warn' | 'info' | 'debug'): LogFn =>
    (message, fields) => {
      const number = LEVEL_NUMBER[method];
      if (number < threshold) return;
      const extra = fields ? fieldsJson(fields).slice(1, -1) : '';
      const line = `{"level":${number},"time":${Date.now()}${base}${extra ? `,${extra}` : ''},"msg":${JSON.stringify(message)}}\n`;
      destination.write(line);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
