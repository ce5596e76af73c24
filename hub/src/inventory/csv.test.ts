import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

describe('csvCell', () => {
  it('neutralises formula starts with a quote', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('quotes commas, quotes and newlines, and leaves numbers and plain text alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell('bash')).toBe('bash');
    expect(csvCell(null)).toBe('');
  });
});

describe('toCsv', () => {
  it('joins rows with CRLF', () => {
    expect(toCsv(['name', 'version'], [['bash', '5.2']])).toBe('name,version\r\nbash,5.2\r\n');
  });
});
