import type { z } from 'zod';

/**
 * Language of the CLIs' usage errors: French by default (the project is French-first), English
 * when the locale says so — the first of LC_ALL, LC_MESSAGES, LANG that is set starts with `en`.
 */
export type CliLanguage = 'fr' | 'en';

/** EX_USAGE (sysexits.h): a flag, variable or argument has a bad value; both CLIs exit with it. */
export const EX_USAGE = 64;

/** The language of this environment's usage errors. */
export function cliLanguage(env: Readonly<Record<string, string | undefined>>): CliLanguage {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

type Texts = {
  bad: (name: string, got: string, expected: string) => string;
  invalid: (name: string, got: string, why: string) => string;
  empty: (name: string) => string;
  unknownOption: (name: string) => string;
  missingValue: (name: string) => string;
  noValue: (name: string) => string;
  integer: string;
  number: string;
  between: (min: number, max: number) => string;
  atLeast: (min: number) => string;
  atMost: (max: number) => string;
  oneOf: (values: readonly string[]) => string;
  existingFile: string;
  existingDir: string;
  missingDir: (dir: string) => string;
  seeHelp: (command: string) => string;
};

const TEXTS: Record<CliLanguage, Texts> = {
  fr: {
    bad: (name, got, expected) => `${name} : « ${got} » n'est pas ${expected}`,
    invalid: (name, got, why) => `${name} : « ${got} » n'est pas valide (${why})`,
    empty: (name) => `${name} : valeur vide`,
    unknownOption: (name) => `option inconnue ${name}`,
    missingValue: (name) => `${name} : valeur manquante`,
    noValue: (name) => `${name} ne prend pas de valeur`,
    integer: 'un nombre entier',
    number: 'un nombre',
    between: (min, max) => ` entre ${min} et ${max}`,
    atLeast: (min) => ` d'au moins ${min}`,
    atMost: (max) => ` d'au plus ${max}`,
    oneOf: (values) => `l'une des valeurs ${values.join(', ')}`,
    existingFile: 'un fichier existant',
    existingDir: 'un répertoire existant',
    missingDir: (dir) => `le répertoire ${dir} n'existe pas`,
    seeHelp: (command) => `Voir '${command} --help'.`,
  },
  en: {
    bad: (name, got, expected) => `${name}: '${got}' is not ${expected}`,
    invalid: (name, got, why) => `${name}: '${got}' is not valid (${why})`,
    empty: (name) => `${name}: empty value`,
    unknownOption: (name) => `unknown option ${name}`,
    missingValue: (name) => `${name}: missing value`,
    noValue: (name) => `${name} takes no value`,
    integer: 'a whole number',
    number: 'a number',
    between: (min, max) => ` from ${min} to ${max}`,
    atLeast: (min) => ` of at least ${min}`,
    atMost: (max) => ` of at most ${max}`,
    oneOf: (values) => `one of ${values.join(', ')}`,
    existingFile: 'an existing file',
    existingDir: 'an existing directory',
    missingDir: (dir) => `directory ${dir} does not exist`,
    seeHelp: (command) => `Run '${command} --help' for usage.`,
  },
};

/** The message table of one language. */
export function cliTexts(language: CliLanguage): Texts {
  return TEXTS[language];
}

// Bounds at the edge of safe integers are zod's "no bound".
const bounded = (n: number | null | undefined): n is number =>
  typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER;

type Inspectable = z.ZodType & {
  _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } };
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  options?: readonly string[];
};

/** What a number or enum schema expects, in words ("un nombre entier entre 0 et 65535"); else undefined. */
export function expectedOf(schema: z.ZodType, language: CliLanguage): string | undefined {
  const texts = TEXTS[language];
  let s = schema as Inspectable;
  while (s._zod.def.innerType ?? (s._zod.def.type === 'pipe' ? s._zod.def.in : undefined))
    s = (s._zod.def.innerType ?? s._zod.def.in) as Inspectable;
  if (s._zod.def.type === 'enum' && s.options) return texts.oneOf(s.options);
  if (s._zod.def.type !== 'number') return undefined;
  const min = bounded(s.minValue) ? s.minValue : undefined;
  const max = bounded(s.maxValue) ? s.maxValue : undefined;
  const range =
    min !== undefined && max !== undefined
      ? texts.between(min, max)
      : min !== undefined
        ? texts.atLeast(min)
        : max !== undefined
          ? texts.atMost(max)
          : '';
  return `${s.isInt ? texts.integer : texts.number}${range}`;
}

/** The message for a bad value of `name` (a flag, a variable, a file key) checked by `schema`. */
export function badValueMessage(
  language: CliLanguage,
  name: string,
  got: unknown,
  schema: z.ZodType,
  issueMessage: string,
): string {
  const text = String(got);
  if (text === '') return TEXTS[language].empty(name);
  // Inline JSON can be long: the start is enough to recognise it.
  const shown = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  const expected = expectedOf(schema, language);
  return expected !== undefined
    ? TEXTS[language].bad(name, shown, expected)
    : TEXTS[language].invalid(name, shown, issueMessage);
}

/** A node:util parseArgs error in this language, naming the option; undefined when not one. */
export function parseArgsMessage(error: unknown, language: CliLanguage): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const message = (error as Error).message;
  // The long name when there is one: "Option '-q, --quiet' does not take an argument".
  const option = /--[\w-]+/.exec(message)?.[0] ?? /'(-[^' ]+)/.exec(message)?.[1];
  if (option === undefined) return message;
  const texts = TEXTS[language];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return texts.unknownOption(option);
  if (/argument missing/.test(message)) return texts.missingValue(option);
  if (/does not take an argument/.test(message)) return texts.noValue(option);
  return message;
}
