// Quoting for the three places the installer writes command lines into: systemd unit files, XML
// property lists, and Windows command lines. Every value that reaches one of them goes through here.

/** One argument of a systemd ExecStart line: double-quoted, with `\`, `"`, `%` and `$` escaped. */
export function systemdArg(value: string): string {
  if (/[\n\r\0]/.test(value)) throw new Error('a unit file argument cannot hold a line break or NUL');
  // %-specifiers and $-variables are expanded by systemd inside quotes too: double them.
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

/** Text content of an XML element or attribute. */
export function xmlText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * One argument of a Windows command line, as CommandLineToArgvW splits it: quoted, inner quotes
 * escaped, backslashes doubled only where they precede a quote.
 */
export function windowsArg(value: string): string {
  if (value !== '' && !/[\s"]/.test(value)) return value;
  const escaped = value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1');
  return `"${escaped}"`;
}

/** A POSIX shell word: single-quoted, a single quote written as '\''. */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
