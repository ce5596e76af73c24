import type { MiddlewareHandler } from 'hono';

/**
 * Bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates) let a
 * name display as something else: "poste-\u202Egnp.exe" reads "poste-exe.png". The console never
 * writes them itself, so every one in a page came from a host, an agent, a licence or a person.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Each bidi control shown as its code point (`⟦U+202E⟧`): visible, inert, in text and attributes. */
export function showBidiControls(text: string): string {
  return text.replace(
    BIDI_CONTROLS,
    (ch) => `⟦U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟧`,
  );
}

const HAS_BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * The last step of the console's escaping, after `hono/html` has escaped markup: every HTML
 * response (pages and the live fragments) with each bidi control made visible. Done once on the
 * whole output rather than at each interpolation, so no page can forget it; the markers contain
 * no markup, so they are safe inside attributes too.
 */
export const bidiSafeHtml: MiddlewareHandler = async function bidiSafeHtml(c, next) {
  await next();
  if (!c.res.headers.get('content-type')?.startsWith('text/html')) return;
  const text = await c.res.text();
  const headers = new Headers(c.res.headers);
  headers.delete('content-length');
  const body = HAS_BIDI_CONTROL.test(text) ? showBidiControls(text) : text;
  c.res = new Response(body, { status: c.res.status, headers });
};
