import { BASE } from '../../env.js';

// The settings forms' shared pieces: where they post, and how their fields are read.

export const SETTINGS = `${BASE}/admin/settings`;
export const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
export const list = (value: unknown) =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(text);
export const lines = (value: unknown) =>
  text(value)
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
/** A number field: anything not a number stays text, for the schema to name. */
export const numberOrText = (value: string) =>
  value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
