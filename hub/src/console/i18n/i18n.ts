import { EN } from './en.js';
import { FR, type MessageKey } from './fr.js';

export const LANGUAGES = ['fr', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const LANG_COOKIE = 'vigie_lang';
/** The reader's time zone: set once by console.js from the browser, or chosen in the preferences. */
export const TZ_COOKIE = 'vigie_tz';

const DICTIONARIES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { fr: FR, en: EN };
const LOCALES: Readonly<Record<Lang, string>> = { fr: 'fr-FR', en: 'en-GB' };

/** A translator: `t('key', { name: value })` fills `{name}` placeholders (the caller escapes on output). */
export type Translate = ((key: MessageKey, vars?: Record<string, string | number>) => string) & {
  readonly lang: Lang;
  /** The reader's IANA time zone; undefined means the hub's own. */
  readonly timeZone: string | undefined;
  /** A date and time in the reader's language and time zone. */
  readonly dateTime: (ms: number) => string;
  /** Hours and minutes in the reader's language and time zone. */
  readonly time: (ms: number) => string;
};

/** An IANA zone this runtime knows (`Europe/Paris`), or undefined: never trust a cookie's text. */
export function validTimeZone(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value))
    return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export function isLang(value: string | undefined): value is Lang {
  return value !== undefined && (LANGUAGES as readonly string[]).includes(value);
}

/** A translator for `lang`, writing dates in `timeZone` (undefined: the hub's zone). */
export function translator(lang: Lang, timeZone?: string): Translate {
  const dictionary = DICTIONARIES[lang];
  const format = new Intl.DateTimeFormat(LOCALES[lang], {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone,
  });
  const clock = new Intl.DateTimeFormat(LOCALES[lang], { timeStyle: 'short', timeZone });
  const t = (key: MessageKey, vars: Record<string, string | number> = {}) =>
    dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      vars[name] === undefined ? whole : String(vars[name]),
    );
  return Object.assign(t, {
    lang,
    timeZone,
    dateTime: (ms: number) => format.format(new Date(Number(ms))),
    time: (ms: number) => clock.format(new Date(Number(ms))),
  });
}
