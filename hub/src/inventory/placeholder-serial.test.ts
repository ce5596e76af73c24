import { describe, expect, it } from 'vitest';
import { isPlaceholderSerial } from './placeholder-serial.js';

describe('isPlaceholderSerial', () => {
  it.each([
    '-',
    'N/A',
    'n/a',
    'To be filled by O.E.M.',
    '  to be filled by o.e.m.  ',
    'Default string',
    'System Serial Number',
    '0',
    '',
    '   ',
    '00000000',
  ])('treats %j as naming no machine', (serial) => {
    expect(isPlaceholderSerial(serial)).toBe(true);
  });

  it.each(['5CD1234XYZ', 'PF2ABCDE', 'C02XK0ABJGH5'])('keeps the real serial %j', (serial) => {
    expect(isPlaceholderSerial(serial)).toBe(false);
  });
});
