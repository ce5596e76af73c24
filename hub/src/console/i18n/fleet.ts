import { FLEET_EN } from './fleet-en.js';
import { FLEET_FR } from './fleet-fr.js';
import type { Lang } from './i18n.js';

export type FleetKey = keyof typeof FLEET_FR;
const DICTIONARIES: Readonly<Record<Lang, Readonly<Record<FleetKey, string>>>> = {
  fr: FLEET_FR,
  en: FLEET_EN,
};
const LOCALES: Readonly<Record<Lang, string>> = { fr: 'fr-FR', en: 'en-GB' };

/** A translator for the fleet pages' own strings, plus number and byte formats in the reader's locale. */
export type FleetWords = ((key: FleetKey, vars?: Record<string, string | number>) => string) & {
  /** Bytes in binary units as the reader writes them: "23,5 Gio" / "23.5 GiB". */
  readonly bytes: (value: number) => string;
  readonly number: (value: number) => string;
  /** An amount with its ISO currency ("1 250,50 €"); the bare number without one. */
  readonly money: (value: number, currency: string | null) => string;
  /** A day, without the time, in the reader's language ("31/01/2027"). */
  readonly date: (ms: number) => string;
};

const UNITS: Readonly<Record<Lang, readonly string[]>> = {
  fr: ['o', 'Kio', 'Mio', 'Gio', 'Tio', 'Pio'],
  en: ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'],
};

export function fleetWords(lang: Lang): FleetWords {
  const dictionary = DICTIONARIES[lang];
  const one = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'short' });
  const w = (key: FleetKey, vars: Record<string, string | number> = {}) =>
    dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      vars[name] === undefined ? whole : String(vars[name]),
    );
  return Object.assign(w, {
    bytes(value: number) {
      let unit = 0;
      let v = value;
      while (Math.abs(v) >= 1024 && unit < UNITS[lang].length - 1) {
        v /= 1024;
        unit++;
      }
      return `${one.format(v)} ${UNITS[lang][unit]}`;
    },
    number: (value: number) => one.format(value),
    date: (ms: number) => day.format(new Date(Number(ms))),
    money: (value: number, currency: string | null) =>
      currency === null
        ? one.format(value)
        : new Intl.NumberFormat(LOCALES[lang], { style: 'currency', currency }).format(value),
  });
}
