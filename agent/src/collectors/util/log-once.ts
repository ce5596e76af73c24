import type { Log } from '../deps.js';

/** Logs a message the first time its key is seen, so a missing resource is not logged every cycle. */
export type LogOnce = (key: string, msg: string, fields?: Record<string, unknown>) => void;

/** Builds a per-collector `LogOnce` over `log`; each collector keeps its own memory of keys. */
export function createLogOnce(log: Log): LogOnce {
  const seen = new Set<string>();
  return (key, msg, fields) => {
    if (seen.has(key)) return;
    // Bounded so a flood of distinct errors cannot grow memory without limit.
    if (seen.size < 100) seen.add(key);
    log(msg, fields);
  };
}

/** The `code` of a Node system error (ENOENT, EACCES…), if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}

/** A short message for any thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
