import { type Logger, pino } from 'pino';

/** JSON logs on stdout (one line per event), ready for journald or a log shipper. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'vigie-hub' } });
}
