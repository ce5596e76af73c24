import { INTERNAL_ID, type IncidentText, isTitleCode, type TextLocale, type TextParams } from './codes.js';
import type { Words } from './words.js';
import { WORDS_EN } from './words-en.js';
import { WORDS_FR } from './words-fr.js';

const TABLES: Readonly<Record<TextLocale, Words>> = { fr: WORDS_FR, en: WORDS_EN };

/** The words of a locale (French when the locale is unknown: Vigie is French-first). */
export function wordsOf(locale: string): Words {
  return locale === 'en' ? WORDS_EN : (TABLES[locale as TextLocale] ?? WORDS_FR);
}

const str = (params: TextParams, key: string): string => {
  const value = params[key];
  return value === null || value === undefined ? '' : String(value);
};
const num = (params: TextParams, key: string): number | undefined => {
  const value = params[key];
  return typeof value === 'number' ? value : undefined;
};
/** A name a reader may see: empty when it is only an internal id. */
const named = (text: string) => (INTERNAL_ID.test(text) ? '' : text);

/** A check's label in a language; the code itself when the check is unknown. */
export function checkLabel(words: Words, check: string): string {
  return words.checks[check] ?? check;
}

function stage(words: Words, params: TextParams): string {
  const days = num(params, 'daysLeft') ?? num(params, 'stage');
  return days === undefined ? '' : words.expiry(days);
}

function withVendor(product: string, vendor: string): string {
  return vendor === '' ? product : `${product} (${vendor})`;
}

/**
 * A title in the reader's language from its code and parameters. `timeZone` is for codes that
 * carry a date (none of the titles today; the timeline uses it).
 */
export function renderIncidentText(
  code: string,
  params: TextParams,
  locale: string,
  _timeZone?: string,
): string {
  const w = wordsOf(locale);
  const p = (key: string) => named(str(params, key));
  switch (code) {
    case 'check': {
      const label = checkLabel(w, str(params, 'check'));
      const resource = p('resource');
      const what = resource === '' ? label : `${label}${w.colon}${resource}`;
      const where = p('where');
      return where === '' ? what : `${what} ${w.on} ${where}`;
    }
    case 'storm':
      return w.storm(checkLabel(w, str(params, 'check')), p('client'));
    case 'licence.expiry':
      return `${w.licence} ${withVendor(p('product'), p('vendor'))}${w.colon}${stage(w, params)}`;
    case 'licence.compliance':
      return `${w.licence} ${withVendor(p('product'), p('vendor'))}${w.colon}${w.seatsUsed(num(params, 'used') ?? 0, num(params, 'seats') ?? 0)}`;
    case 'warranty.expiry': {
      const serial = p('serial');
      const of = w.warranty(p('hostname'));
      return `${serial === '' ? of : `${of} (${w.serial} ${serial})`}${w.colon}${stage(w, params)}`;
    }
    case 'probe': {
      const kind = p('probeKind') === 'ping' ? 'ping' : p('probeKind').toUpperCase();
      return `${checkLabel(w, str(params, 'check'))}${w.colon}${p('device')} (${w.probe(kind, p('probe'))})`;
    }
    case 'tls.expiry':
      return `${w.tlsOf(p('probe'), p('device'))}${w.colon}${stage(w, params)}`;
    case 'antivirus.stale': {
      const product = p('product');
      return `${checkLabel(w, 'antivirus.stale')} ${w.on} ${p('hostname')}${product === '' ? '' : ` (${product})`}`;
    }
    case 'duplicate-identity':
      return `${checkLabel(w, 'security.duplicate-identity')}${w.colon}${p('hostname')}`;
    case 'manual':
      return str(params, 'title');
    default:
      return '';
  }
}

/** Parse stored parameters; an unreadable value gives none rather than breaking the page. */
export function parseParams(json: string | null): TextParams {
  if (json === null) return {};
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as TextParams) : {};
  } catch {
    return {};
  }
}

/** What a stored incident is called in a language: its code rendered, else (older rows) its title. */
export function incidentTitle(
  row: { title: string; title_code?: string | null; title_params?: string | null },
  locale: string,
): string {
  if (!isTitleCode(row.title_code)) return row.title;
  return renderIncidentText(row.title_code, parseParams(row.title_params ?? null), locale) || row.title;
}

/** The English rendering kept in the `title` column (API compatibility, older readers). */
export function englishTitle(text: IncidentText): string {
  return renderIncidentText(text.code, text.params, 'en');
}

/**
 * What a stored problem is called in a language: "Recurring: " around its incidents' title
 * rendered from their code; problems from before codes show their stored (English) title.
 */
export function problemTitle(
  row: { title: string; title_code?: string | null; title_params?: string | null },
  locale: string,
): string {
  if (!isTitleCode(row.title_code)) return row.title;
  const title = renderIncidentText(row.title_code, parseParams(row.title_params ?? null), locale);
  return title === '' ? row.title : wordsOf(locale).recurring(title);
}

/** A notice's reason in a language, from its code and parameters (0027); '' for an unknown code. */
export function renderReason(code: string, params: TextParams, locale: string): string {
  const w = wordsOf(locale);
  const check = checkLabel(w, str(params, 'check'));
  const change = (from: string, to: string) => {
    const a = str(params, from);
    const b = str(params, to);
    return a === b ? b : `${a} → ${b}`;
  };
  const priority = () => change('priorityFrom', 'priorityTo').replace(/(\d)/g, 'P$1');
  const level = () => change('levelFrom', 'levelTo');
  switch (code) {
    case 'opened':
      return w.reasonCodes.opened(w.severity[str(params, 'severity')] ?? str(params, 'severity'), check);
    case 'storm':
      return w.reasonCodes.storm(num(params, 'cap') ?? 0, check);
    case 'raised-by-child':
      return w.reasonCodes['raised-by-child'](priority(), level());
    case 'flapping':
      return w.reasonCodes.flapping(check);
    case 'severity-rose':
      return w.reasonCodes['severity-rose'](priority(), level());
    default:
      return '';
  }
}
