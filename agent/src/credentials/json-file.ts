import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { z } from 'zod';
import {
  chmod,
  close,
  fchmod,
  fsync,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  writeFile,
} from '../runtime/fs-async.js';

/** Reading a state file: missing is a normal state (not enrolled yet), corrupt is not. */
export type ReadJsonResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'missing' }
  | { readonly ok: false; readonly reason: 'corrupt' | 'unreadable'; readonly message: string };

/**
 * Reads and validates a JSON file; never throws. `plain`, a hand-written twin of `schema` that says
 * true only for a value the schema accepts unchanged, spares zod for a file as the agent wrote it
 * (decision 0039); anything it refuses goes to the schema, which decides.
 */
export async function readJsonFile<T>(
  path: string,
  schema: z.ZodType<T>,
  plain?: (value: unknown) => value is T,
): Promise<ReadJsonResult<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const error = cause as NodeJS.ErrnoException;
    if (error.code === 'ENOENT') return { ok: false, reason: 'missing' };
    return { ok: false, reason: 'unreadable', message: `cannot read ${path}: ${error.message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return {
      ok: false,
      reason: 'corrupt',
      message: `${path} is not valid JSON: ${(cause as Error).message}`,
    };
  }
  if (plain?.(json)) return { ok: true, value: json };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    return { ok: false, reason: 'corrupt', message: `${path} is invalid: ${issues.slice(0, 3).join('; ')}` };
  }
  return { ok: true, value: parsed.data };
}

/** Creates the state directory if needed and restricts it to its owner (it holds a secret). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * Writes JSON atomically with mode 0600: a crash leaves the old file or the new one, never half
 * of one (tmp file in the same directory, fsync, rename).
 */
export async function writeJsonFileAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await ensurePrivateDir(dirname(path));
  const fd = await open(tmp, 'wx', 0o600);
  try {
    await writeFile(fd, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
    // The umask may have narrowed the mode, never widened it; chmod states it outright anyway.
    await fchmod(fd, 0o600);
    await fsync(fd);
  } finally {
    await close(fd);
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
