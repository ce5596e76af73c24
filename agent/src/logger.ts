import pino from 'pino';

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

/** JSON lines on stdout (journald and container runtimes collect stdout), at `level`. */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Log {
  const logger = pino({ level, base: { name: 'vigie-agent' } }, destination);
  // pino takes (fields, message); adapting here keeps the rest of the agent independent of it.
  const at =
    (method: 'error' | 'warn' | 'info' | 'debug'): LogFn =>
    (message, fields) => {
      if (fields) logger[method](fields, message);
      else logger[method](message);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
