import { int } from '../util/numbers.js';

/** Cumulative counters of one interface from /proc/net/dev. */
export interface NetCounters {
  readonly iface: string;
  readonly rxBytes: number;
  readonly rxErrors: number;
  readonly rxDropped: number;
  readonly txBytes: number;
  readonly txErrors: number;
  readonly txDropped: number;
}

/** Parses /proc/net/dev (two header lines, then `iface: 8 rx fields 8 tx fields`). */
export function parseNetDev(text: string): NetCounters[] {
  const out: NetCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map((s) => int(s) ?? 0);
    if (!iface || f.length < 16) continue;
    out.push({
      iface,
      rxBytes: f[0] ?? 0,
      rxErrors: f[2] ?? 0,
      rxDropped: f[3] ?? 0,
      txBytes: f[8] ?? 0,
      txErrors: f[10] ?? 0,
      txDropped: f[11] ?? 0,
    });
  }
  return out;
}
