/**
 * Engine text as data: a title is stored as a code and its parameters, rendered in the reader's
 * language where it is shown (console, e-mail, chat, webhook). Parameters are names and figures,
 * never ids: a technician reads them.
 */
export const TITLE_CODES = [
  'check',
  'storm',
  'licence.expiry',
  'licence.compliance',
  'warranty.expiry',
  'probe',
  'tls.expiry',
  'antivirus.stale',
  'duplicate-identity',
  'manual',
] as const;
export type TitleCode = (typeof TITLE_CODES)[number];

export type TextParams = Readonly<Record<string, string | number | null>>;

/** Why a notice was sent, as data (its `reason` keeps the English sentence for the API). */
export const REASON_CODES = ['opened', 'storm', 'raised-by-child', 'flapping', 'severity-rose'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A title as the engine writes it. */
export interface IncidentText {
  readonly code: TitleCode;
  readonly params: TextParams;
}

export const TEXT_LOCALES = ['fr', 'en'] as const;
export type TextLocale = (typeof TEXT_LOCALES)[number];

export function isTitleCode(value: string | null | undefined): value is TitleCode {
  return value !== null && value !== undefined && (TITLE_CODES as readonly string[]).includes(value);
}

/** An internal id (`hst_…`, `lic_…`, `prb_…`, `inc_…`, `agt_…`): never shown to a reader. */
export const INTERNAL_ID = /\b[a-z]{3}_[A-Za-z0-9_-]{6,}/;
