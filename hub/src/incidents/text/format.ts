import type { Words } from './words.js';

/** A date and time in the reader's language and time zone (never an epoch). */
export function formatDate(words: Words, ms: number, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat(words.intl, { dateStyle: 'short', timeStyle: 'short', timeZone }).format(
    new Date(ms),
  );
}

/** `3 h 05 min`, `2 j 4 h` (fr) — `3 h 05 min`, `2 d 4 h` (en): a duration a person reads. */
export function formatDuration(words: Words, ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const day = words.intl.startsWith('fr') ? 'j' : 'd';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} ${day} ${hours % 24} h`;
}

/** A number in the reader's language (decimal comma in French), at most one decimal. */
export function formatNumber(words: Words, n: number): string {
  return new Intl.NumberFormat(words.intl, { maximumFractionDigits: 1 }).format(n);
}

const PERCENT = new Set([
  'cpu.busy',
  'memory.pressure',
  'swap.pressure',
  'fs.usage',
  'fs.inodes',
  'probe.down',
  'battery.wear',
]);
const DAYS = new Set([
  'licence.expiry',
  'warranty.expiry',
  'tls.expiry',
  'antivirus.stale',
  'updates.security',
]);

/** A check's figure with its unit: `92 %`, `7 jours`, `340 ms`, `78 °C`. */
export function formatValue(words: Words, check: string, n: number): string {
  const figure = formatNumber(words, n);
  if (PERCENT.has(check)) return `${figure} %`;
  if (DAYS.has(check)) return words.days(n);
  if (check === 'probe.latency') return `${figure} ms`;
  if (check === 'temperature.high') return `${figure} °C`;
  if (check === 'fs.forecast') return formatDuration(words, n * 1000);
  if (check === 'clock.drift') return `${figure} s`;
  if (check === 'site.silent') return words.hosts(n);
  return figure;
}
