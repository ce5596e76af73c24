// The docs' tables read by the tests that keep docs/ true to the code.

/** The rows of the markdown table whose header is exactly `header`, as trimmed cells (`\|` stays in a cell). */
export function tableRows(markdown: string, header: readonly string[]): string[][] {
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|') && cells(line).join('|') === header.join('|'));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}
