// A cell starting with one of these is read as a formula by spreadsheets (CSV injection);
// tab and carriage return start formulas in some of them too.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula starts neutralised with `'`, quoted when it holds `,` `"` or a newline. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document (RFC 4180: CRLF line ends) from a header and rows. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
