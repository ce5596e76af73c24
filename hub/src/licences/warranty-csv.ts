/** Most data lines one warranty file may carry (the API's body limit comes first for long lines). */
export const MAX_WARRANTY_LINES = 5000;
const MAX_FIELD = 256;

/** One accepted line of a warranty file. */
export interface WarrantyLine {
  readonly line: number;
  readonly serial: string;
  readonly vendor: string | null;
  readonly warrantyUntil: number;
  readonly purchasedAt: number | null;
}

/** Why a line (or the file) was refused; `line` 0 is the file itself. */
export interface LineError {
  readonly line: number;
  readonly code:
    | 'TOO_MANY_LINES'
    | 'NO_HEADER'
    | 'BAD_QUOTING'
    | 'MISSING_FIELD'
    | 'FIELD_TOO_LONG'
    | 'BAD_DATE'
    | 'DUPLICATE_SERIAL'
    | 'UNKNOWN_SERIAL'
    | 'AMBIGUOUS_SERIAL';
  readonly message: string;
}

/** RFC 4180 records: `,` separated, `"` quoted with `""` inside, CRLF or LF line ends. */
export function csvRecords(text: string): { records: string[][]; badQuoteLine?: number } {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      line++;
    } else field += ch;
  }
  if (quoted) return { records, badQuoteLine: line };
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return { records };
}

const COLUMNS = {
  serial: ['serial', 'serial_number', 'serialnumber'],
  vendor: ['vendor', 'manufacturer'],
  end: ['end_date', 'warranty_end', 'warranty_until', 'end'],
  purchase: ['purchase_date', 'purchased_at', 'purchased'],
} as const;

function day(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text}T00:00:00Z`);
  // Date.parse accepts 2026-02-31 as March 3rd; a real date reads back the same.
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : ms;
}

/**
 * Reads a warranty file: a header naming `serial`, `end_date` and optionally `vendor` and
 * `purchase_date` (any order, case-insensitive), then one host per line with ISO dates. Every
 * line is checked; the caller imports only a file without any error.
 */
export function parseWarrantyCsv(text: string): { lines: WarrantyLine[]; errors: LineError[] } {
  const { records, badQuoteLine } = csvRecords(text);
  if (badQuoteLine !== undefined)
    return {
      lines: [],
      errors: [{ line: badQuoteLine, code: 'BAD_QUOTING', message: 'unterminated quoted field' }],
    };
  const [header, ...rows] = records;
  const names = (header ?? []).map((h) => h.trim().toLowerCase());
  const col = (aliases: readonly string[]) => names.findIndex((n) => aliases.includes(n));
  const at = {
    serial: col(COLUMNS.serial),
    vendor: col(COLUMNS.vendor),
    end: col(COLUMNS.end),
    purchase: col(COLUMNS.purchase),
  };
  if (at.serial < 0 || at.end < 0)
    return {
      lines: [],
      errors: [
        {
          line: 1,
          code: 'NO_HEADER',
          message: 'the first line must name the columns: serial, vendor, end_date[, purchase_date]',
        },
      ],
    };
  const data = rows
    .map((fields, i) => ({ fields, line: i + 2 }))
    .filter((r) => r.fields.some((f) => f.trim() !== ''));
  if (data.length > MAX_WARRANTY_LINES)
    return {
      lines: [],
      errors: [{ line: 0, code: 'TOO_MANY_LINES', message: `at most ${MAX_WARRANTY_LINES} lines per file` }],
    };

  const lines: WarrantyLine[] = [];
  const errors: LineError[] = [];
  const seen = new Map<string, number>();
  for (const { fields, line } of data) {
    const get = (index: number) => (index < 0 ? '' : (fields[index] ?? '').trim());
    const serial = get(at.serial);
    const vendor = get(at.vendor);
    const end = get(at.end);
    const purchase = get(at.purchase);
    if (serial === '' || end === '') {
      errors.push({
        line,
        code: 'MISSING_FIELD',
        message: serial === '' ? 'serial is empty' : 'end_date is empty',
      });
      continue;
    }
    if ([serial, vendor, end, purchase].some((f) => f.length > MAX_FIELD)) {
      errors.push({
        line,
        code: 'FIELD_TOO_LONG',
        message: `a field is longer than ${MAX_FIELD} characters`,
      });
      continue;
    }
    const warrantyUntil = day(end);
    const purchasedAt = purchase === '' ? null : day(purchase);
    if (warrantyUntil === undefined || purchasedAt === undefined) {
      errors.push({ line, code: 'BAD_DATE', message: 'dates are YYYY-MM-DD' });
      continue;
    }
    const first = seen.get(serial);
    if (first !== undefined) {
      errors.push({ line, code: 'DUPLICATE_SERIAL', message: `serial already on line ${first}` });
      continue;
    }
    seen.set(serial, line);
    lines.push({ line, serial, vendor: vendor === '' ? null : vendor, warrantyUntil, purchasedAt });
  }
  return { lines, errors };
}
