import type { MetricsMessage } from '@vigie/shared';

/**
 * One host's `metrics` frame encoded once, by the real agent's wire encoder, with only its changing
 * numbers left to print. Encoding a report object per message (build the object, strip the statics,
 * JSON.stringify) was most of the simulator's CPU per report; printing ~60 numbers between fixed
 * pieces of text gives the same characters for a fraction of it (test: report-template.test.ts
 * compares the two over whole fleets and many cycles).
 */
export interface ReportTemplate {
  /** The frame for these slot values and seq: exactly what the encoder would write for them. */
  render(values: ArrayLike<number>, seq: number): string;
}

// Negative 13-digit numbers: a sample's own numbers are never negative, and neither a mount nor a
// device name holds one, so each marker is found exactly where its slot went and nowhere else.
const SENTINEL_BASE = 9_876_543_210_000;
const sentinel = (slot: number) => -(SENTINEL_BASE + slot);

/**
 * The template of the frames `encode` writes for `message(values, seq)` once it is past its first
 * frame (the real encoder leaves out, after the first sample on a connection, the statics it has
 * already sent: the template is of that steady, lean frame). Built from sentinel values put in every
 * slot and in seq; undefined when the encoder changed a sentinel (it rounds, say) or the message does
 * not carry each one exactly once: the caller then encodes every message the slow way.
 */
export function createReportTemplate(
  encode: (message: MetricsMessage) => string,
  message: (values: ArrayLike<number>, seq: number) => MetricsMessage,
  slots: number,
): ReportTemplate | undefined {
  const markers = new Float64Array(slots);
  for (let i = 0; i < slots; i += 1) markers[i] = sentinel(i);
  const seqMarker = sentinel(slots);
  encode(message(markers, seqMarker));
  const text = encode(message(markers, seqMarker));

  const found: { at: number; length: number; slot: number }[] = [];
  for (let slot = 0; slot <= slots; slot += 1) {
    const token = String(sentinel(slot));
    const at = text.indexOf(token);
    if (at < 0 || text.indexOf(token, at + token.length) >= 0) return undefined;
    // A longer number that merely starts with this token is not this slot (…0001 inside …00012).
    if (/[0-9.eE]/.test(text[at + token.length] ?? '')) return undefined;
    found.push({ at, length: token.length, slot });
  }
  found.sort((a, b) => a.at - b.at);
  const pieces: string[] = [];
  const order = new Int32Array(found.length);
  let from = 0;
  found.forEach((marker, i) => {
    pieces.push(text.slice(from, marker.at));
    order[i] = marker.slot;
    from = marker.at + marker.length;
  });
  pieces.push(text.slice(from));
  const count = order.length;

  return {
    render(values, seq) {
      let out = pieces[0]!;
      for (let i = 0; i < count; i += 1) {
        const slot = order[i]!;
        out += formatNumber(slot === slots ? seq : values[slot]!) + pieces[i + 1]!;
      }
      return out;
    },
  };
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000'];

/**
 * `JSON.stringify(value)` for a number, faster for those a sample is made of. V8 prints a small
 * integer from a cache and any other double through its shortest-round-trip algorithm, ~10× slower:
 * a report's byte counts (above 2^30) and percentages (one decimal) are printed from small integers
 * here. A number k/10 (or k/100) that is exactly the double nearest that decimal prints as that
 * decimal, which is what the shortest round trip gives. Anything else goes to V8.
 */
export function formatNumber(value: number): string {
  if (value >= 0 && value < 1e9) {
    const whole = value | 0;
    if (whole === value) return `${whole}`;
    const tenths = Math.round(value * 10);
    if (tenths / 10 === value) return `${(tenths / 10) | 0}.${tenths % 10}`;
    const hundredths = Math.round(value * 100);
    if (hundredths / 100 === value) {
      const fraction = hundredths % 100;
      return `${(hundredths / 100) | 0}.${fraction < 10 ? '0' : ''}${fraction}`;
    }
  } else if (value >= 1e9 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value)) {
    const high = Math.floor(value / 1e9);
    const low = `${value - high * 1e9}`;
    return `${high}${ZEROS[9 - low.length]}${low}`;
  }
  return JSON.stringify(value);
}
