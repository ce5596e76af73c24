import { EN } from './en.js';
import { FR, type MessageKey } from './fr.js';

export const LANGUAGES = ['fr', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const LANG_COOKIE = 'vigie_lang';

const DICTIONARIES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { fr: FR, en: EN };
const LOCALES: Readonly<Record<Lang, string>> = { fr: 'fr-FR', en: 'en-GB' };

/** A translator: `t('key', { name: value })` fills `{name}` placeholders (the caller escapes on output). */
export type Translate = ((key: MessageKey, vars?: Record<string, string | number>) => string) & {
  readonly lang: Lang;
  /** A date and time in the reader's language, in the hub's time zone. */
  readonly dateTime: (ms: number) => string;
  /** Hours and minutes in the reader's language, in the hub's time zone. */
  readonly time: (ms: number) => string;
};

export function isLang(value: string | undefined): value is Lang {
  return value !== undefined && (LANGUAGES as readonly string[]).includes(value);
}

export function translator(lang: Lang): Translate {
  const dictionary = DICTIONARIES[lang];
  const format = new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'short', timeStyle: 'medium' });
  const clock = new Intl.DateTimeFormat(LOCALES[lang], { timeStyle: 'short' });
  const t = (key: MessageKey, vars: Record<string, string | number> = {}) =>
    dictionary[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      vars[name] === undefined ? whole : String(vars[name]),
    );
  return Object.assign(t, {
    lang,
    dateTime: (ms: number) => format.format(new Date(Number(ms))),
    time: (ms: number) => clock.format(new Date(Number(ms))),
  });
}
