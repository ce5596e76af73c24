// The next time a cron expression fires, computed with Date's local-time getters. node-cron does
// the same through Intl.DateTimeFormat, which loads ICU's time-zone data into the agent's memory
// (~5 MiB of RSS measured with test/bench/agent-footprint.mjs) for a schedule that fires once a
// day. Only the common syntax is handled here; the scheduler leaves anything else to node-cron.

/** Allowed values of each field, seconds first (a 5-field expression has second 0). */
export interface CronFields {
  readonly second: ReadonlySet<number>;
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dayOfMonth: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  /** 0 = Sunday (7 is read as 0). */
  readonly dayOfWeek: ReadonlySet<number>;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly namesFrom?: number;
}

const SPECS: readonly FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

function value(token: string, spec: FieldSpec): number | undefined {
  if (/^\d{1,2}$/.test(token)) return Number(token);
  const index = spec.names?.indexOf(token.toLowerCase()) ?? -1;
  return index >= 0 ? index + (spec.namesFrom ?? 0) : undefined;
}

function parseField(field: string, spec: FieldSpec): Set<number> | undefined {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d{1,2}))?$/i.exec(item);
    if (!match?.[1]) return undefined;
    const [range, stepText] = [match[1], match[2]];
    let from = spec.min;
    let to = spec.max;
    if (range !== '*') {
      const [a, b] = range.split('-');
      const start = value(a ?? '', spec);
      const end = b === undefined ? (stepText === undefined ? start : spec.max) : value(b, spec);
      if (start === undefined || end === undefined || start > end) return undefined;
      from = start;
      to = end;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1 || from < spec.min || to > spec.max) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** The fields of a 5- or 6-field expression, or undefined for syntax this parser does not handle. */
export function parseCron(expression: string): CronFields | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const fields = parts.length === 5 ? ['0', ...parts] : parts;
  const sets = fields.map((field, i) => parseField(field, SPECS[i] as FieldSpec));
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = sets;
  if (!second || !minute || !hour || !dayOfMonth || !month || !dayOfWeek) return undefined;
  if (dayOfWeek.delete(7)) dayOfWeek.add(0);
  return { second, minute, hour, dayOfMonth, month, dayOfWeek };
}

// A matching day can be 4 years away (29 February on a Monday needs up to 28).
const MAX_MINUTES_AHEAD = 28 * 366 * 24 * 60;

/**
 * The first local time strictly after `after` (ms) that matches every field (day of month AND day
 * of week, as node-cron matches), or undefined when none comes within the search horizon.
 */
export function nextCronMatch(fields: CronFields, after: number): number | undefined {
  const seconds = [...fields.second].sort((a, b) => a - b);
  const start = new Date(Math.floor(after / 1000) * 1000 + 1000);
  const secondInStart = start.getSeconds();
  start.setSeconds(0, 0);
  const cursor = start;
  for (let i = 0; i < MAX_MINUTES_AHEAD; i++) {
    if (!fields.month.has(cursor.getMonth() + 1)) {
      // Skip to the first minute of the next month.
      cursor.setMonth(cursor.getMonth() + 1, 1);
      cursor.setHours(0, 0, 0, 0);
      continue;
    }
    if (!fields.dayOfMonth.has(cursor.getDate()) || !fields.dayOfWeek.has(cursor.getDay())) {
      cursor.setDate(cursor.getDate() + 1);
      cursor.setHours(0, 0, 0, 0);
      continue;
    }
    if (!fields.hour.has(cursor.getHours())) {
      cursor.setHours(cursor.getHours() + 1, 0, 0, 0);
      continue;
    }
    if (fields.minute.has(cursor.getMinutes())) {
      const from = i === 0 ? secondInStart : 0;
      const second = seconds.find((s) => s >= from);
      if (second !== undefined) return cursor.getTime() + second * 1000;
    }
    cursor.setMinutes(cursor.getMinutes() + 1, 0, 0);
  }
  return undefined;
}
