/** /proc/meminfo as bytes by key (`MemTotal`, `SwapFree`…). */
export type Meminfo = ReadonlyMap<string, number>;

/** Parses /proc/meminfo; values with a `kB` unit are converted to bytes (the kernel means KiB). */
export function parseMeminfo(text: string): Meminfo {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const value = Number(match[2]);
    out.set(match[1], line.trimEnd().endsWith('kB') ? value * 1024 : value);
  }
  return out;
}
