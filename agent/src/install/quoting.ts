// Quoting for the places the installer writes command lines into: systemd unit files, XML property
// lists and the WinSW XML. Every value that reaches one of them goes through here.

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
 * A value of the WinSW XML, escaped. WinSW expands `%NAME%` in every value and has no escape for
 * `%`; it quotes an `<argument>` only by wrapping one holding a space in `"…"`, without escaping a
 * quote inside or a trailing backslash. Values it would misread are refused, not mangled.
 */
export function winswText(value: string, isArgument: boolean): string {
  // XML 1.0 cannot carry most control characters; line breaks and tabs have no place in a path.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the point
  if (/[\x00-\x1f\x7f]/.test(value)) throw new Error('a service value cannot hold a control character');
  if (value.includes('%')) throw new Error(`a service value cannot hold '%' (WinSW expands it): ${value}`);
  if (isArgument && (value.includes('"') || (value.includes(' ') && value.endsWith('\\')))) {
    throw new Error(`WinSW cannot quote this argument: ${value}`);
  }
  return xmlText(value);
}

/** A POSIX shell word: single-quoted, a single quote written as '\''. */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
