// Every CSV the hub writes (the software export, the service report) goes through csvCell, so the
// rule against formula injection lives in one place.
//
// A spreadsheet opening the file may split it on another separator than the one it was written
// with: French Excel splits on `;`, and then the quotes around `"aa;=1+1"` are not at the start of
// its cell, so `=1+1"` is read as a formula. So a cell is neutralised piece by piece: wherever a
// piece begins (the cell's start, or after `,` `;` or a line break), possibly behind spaces or
// quotes, a formula start (= + - @, tab or carriage return) gets a `'` before it. The data stays
// verbatim in the database; only the export carries the apostrophes.

/** A piece start followed by a formula start; $1 the separator, $2 spaces or quotes before it. */
const FORMULA_PIECE = /(^|[,;\r\n])([ "]*)(?=[=+\-@\t\r])/g;
/** What makes a cell need quotes under either separator. */
const NEEDS_QUOTES = /[",;\r\n\t]/;

/** One CSV cell: every piece that would start a formula neutralised with `'`, quoted when needed. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  // A number is written by the hub itself (`-5`, `12.5`): a spreadsheet reads it as a number.
  const text = typeof value === 'string' ? neutralise(value) : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function neutralise(text: string): string {
  // The match consumes only the separator and the spaces or quotes, never the formula start, so
  // a `\r` that is both (a piece's formula start, then a separator) is seen twice in one pass.
  return text.replace(FORMULA_PIECE, "$1$2'");
}

/** A CSV document (RFC 4180: `,` separated, CRLF line ends) from a header and rows. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
