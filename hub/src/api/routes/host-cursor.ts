import { z } from 'zod';
import type { HostCursor } from '../../repositories/hosts.js';

// Opaque to clients (base64url of [hostname, id]) so the order can change without breaking them.
const cursorShape = z.tuple([z.string().max(1024), z.string().max(128)]);

/** The `nextCursor` a client sends back as `cursor` to get the following page. */
export function encodeHostCursor(cursor: HostCursor): string {
  return Buffer.from(JSON.stringify([cursor.hostname, cursor.id])).toString('base64url');
}

/** A cursor read back; undefined when it is not one this hub made (the query is refused). */
export function decodeHostCursor(text: string): HostCursor | undefined {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? { hostname: parsed.data[0], id: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}
