// Quoting for values the hub writes into scripts and one-line commands. The hub URL can come from
// the request's Host header, and a WHATWG host may contain ' " $ ( ) ` ; & — so nothing is trusted.

/** A POSIX shell word: single-quoted, a single quote written as '\''. */
export function shellWord(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A PowerShell single-quoted string. PowerShell also reads the typographic quotes ‘ ’ ‚ ‛ as
 * single quotes, so each is doubled like ' is.
 */
export function psString(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (quote) => quote + quote)}'`;
}

/** `powershell -EncodedCommand` argument: UTF-16LE base64, immune to every quoting layer around it. */
export function psEncoded(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}
