import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../licences/warranty-csv.js';
import { csvCell, toCsv } from './csv.js';

/** What a spreadsheet would read as a formula at the start of a cell (behind spaces or quotes). */
const FORMULA_START = /^[ "]*[=+\-@\t\r]/;

/** The pieces a spreadsheet gets when it splits the file on `separator`, ignoring our quoting. */
function naivePieces(document: string, separator: ',' | ';'): string[] {
  return document.split(/\r\n|\r|\n/).flatMap((line) => line.split(separator));
}

describe('csvCell', () => {
  it('neutralises formula starts with a quote', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe(`"'\t=1"`);
  });

  it('neutralises a formula hidden behind the other separator, a line break or a quote', () => {
    expect(csvCell('aa;=1+1')).toBe(`"aa;'=1+1"`);
    expect(csvCell('aa,@cmd')).toBe(`"aa,'@cmd"`);
    expect(csvCell('aa\n-1')).toBe(`"aa\n'-1"`);
    expect(csvCell('aa; "=1')).toBe(`"aa; ""'=1"`);
  });

  it('quotes separators of either kind, quotes, tabs and newlines, and leaves numbers and plain text alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('a\tb')).toBe('"a\tb"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('bash')).toBe('bash');
    expect(csvCell('e-mail; a=b')).toBe('"e-mail; a=b"');
    expect(csvCell(null)).toBe('');
  });
});

describe('toCsv', () => {
  it('joins rows with CRLF', () => {
    expect(toCsv(['name', 'version'], [['bash', '5.2']])).toBe('name,version\r\nbash,5.2\r\n');
  });

  // Cells built from the characters that matter, so the shrinker finds the short counter-examples.
  const cell = fc
    .array(fc.constantFrom('a', '1', ' ', '"', "'", ',', ';', '\r', '\n', '\t', '=', '+', '-', '@'), {
      maxLength: 12,
    })
    .map((chars) => chars.join(''));
  const table = fc.array(
    fc.array(fc.oneof(cell, fc.string({ maxLength: 8 })), { minLength: 3, maxLength: 3 }),
    {
      maxLength: 5,
    },
  );

  it('leaves no piece starting a formula, split on `,` or on `;`, whatever the cells hold', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const document = toCsv(['a', 'b', 'c'], rows);
        for (const separator of [',', ';'] as const)
          for (const piece of naivePieces(document, separator)) expect(piece).not.toMatch(FORMULA_START);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back, through a real CSV parser, as the same cells less the apostrophes it added', () => {
    fc.assert(
      fc.property(table, (rows) => {
        const { records, badQuoteLine } = csvRecords(toCsv(['a', 'b', 'c'], rows));
        expect(badQuoteLine).toBeUndefined();
        expect(records).toHaveLength(rows.length + 1);
        records.slice(1).forEach((record, r) => {
          expect(record).toHaveLength(3);
          record.forEach((parsed, i) => {
            const original = rows[r]?.[i] ?? '';
            const unchanged = !FORMULA_START.test(original) && !/[,;\r\n][ "]*[=+\-@\t\r]/.test(original);
            if (unchanged) expect(parsed).toBe(original);
            else expect(parsed.replaceAll("'", '')).toBe(original.replaceAll("'", ''));
            for (const piece of parsed.split(/[,;\r\n]/)) expect(piece).not.toMatch(FORMULA_START);
          });
        });
      }),
      { numRuns: 1000 },
    );
  });
});
