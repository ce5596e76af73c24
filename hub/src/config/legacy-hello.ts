/**
 * `--legacy-hello` (0025): until when the hub accepts a hello that carries the bare secret instead
 * of a proof over the socket's nonce. `allow` (the default: the deprecation window is open),
 * `refuse`, or an ISO date after which it refuses. Returns the instant, in epoch ms.
 */
export function parseLegacyHello(text: string): { ok: true; until: number } | { ok: false; error: string } {
  const value = text.trim().toLowerCase();
  if (value === 'allow') return { ok: true, until: Number.POSITIVE_INFINITY };
  if (value === 'refuse') return { ok: true, until: 0 };
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const until = Date.parse(text.trim());
    if (Number.isFinite(until)) return { ok: true, until };
  }
  return { ok: false, error: 'expected allow, refuse or an ISO date (refused from that instant on)' };
}
