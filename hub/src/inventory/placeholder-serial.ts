/**
 * Serials firmware ships when nobody filled them in. Many machines carry the same one, so it names
 * no machine: it never matches a host (warranty import) and is never used to tell hosts apart.
 */
const PLACEHOLDER_SERIALS = new Set([
  '',
  '-',
  '--',
  '0',
  'n/a',
  'na',
  'none',
  'null',
  'unknown',
  'not specified',
  'not applicable',
  'default string',
  'system serial number',
  'to be filled by o.e.m.',
  'to be filled by oem',
  'chassis serial number',
  '0123456789',
  '123456789',
  'xxxxxxxx',
]);

/** True for a serial that identifies nothing (case and surrounding spaces ignored). */
export function isPlaceholderSerial(serial: string | null | undefined): boolean {
  if (serial === null || serial === undefined) return true;
  const text = serial.trim().toLowerCase();
  // A run of one repeated character ("00000000", "........") is no serial either.
  return PLACEHOLDER_SERIALS.has(text) || /^(.)\1*$/.test(text);
}
