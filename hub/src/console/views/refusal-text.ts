import { checkLabel, wordsOf } from '../../incidents/text/render.js';
import { isMessageKey, type MessageKey } from '../i18n/fr.js';
import type { Translate } from '../i18n/i18n.js';

// A refusal from the API's validation (zod paths and English reasons) as a sentence in the
// page's language: « Avertissement, seuil de déclenchement (Processeur saturé) : le seuil de
// retour ne doit pas dépasser le seuil de déclenchement… ».

/** Known English reasons → a message key and its parameters. */
const REASONS: ReadonlyArray<[RegExp, MessageKey, (m: RegExpExecArray) => Record<string, string>]> = [
  [
    /^(warning|critical)\.clear must not be past (warning|critical)\.trigger for a rule that fires (above|below)$/,
    'rsn_clearPastTrigger',
    (m) => ({ level: m[1] ?? '', direction: m[3] ?? '' }),
  ],
  [
    /^critical\.trigger must be at least as far as warning\.trigger$/,
    'rsn_criticalBeforeWarning',
    () => ({}),
  ],
  [/^not a cron expression/, 'rsn_cron', () => ({})],
  [/^a site is written client\/site$/, 'rsn_siteFormat', () => ({})],
  [/^no such host$/i, 'rsn_noHost', () => ({})],
  [/^no such device$/i, 'rsn_noDevice', () => ({})],
  [/^unknown channel$/, 'rsn_unknownChannel', () => ({})],
  [/^e-mail channels need SMTP/, 'rsn_smtp', () => ({})],
  [/^a channel with this name already exists$/, 'rsn_channelName', () => ({})],
  [/^a rule needs a warning or a critical level$/, 'rsn_ruleLevel', () => ({})],
  [/^no enrolled agent on (.+) to probe from$/, 'rsn_noProber', (m) => ({ where: m[1] ?? '' })],
  [
    /^Invalid input: expected (number|string|boolean|array|object)/,
    'rsn_expected',
    (m) => ({ type: m[1] ?? '' }),
  ],
  [/^Too small: expected .*?([<>]=?)\s*(-?[\d.]+)/, 'rsn_tooSmall', (m) => ({ n: m[2] ?? '' })],
  [/^Too big: expected .*?([<>]=?)\s*(-?[\d.]+)/, 'rsn_tooBig', (m) => ({ n: m[2] ?? '' })],
  [/^Invalid option/, 'rsn_option', () => ({})],
  [/^Unrecognized key/, 'rsn_unknownKey', () => ({})],
];

function word(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  return isMessageKey(key) ? t(key) : value;
}

/** A refusal's reason in the page's language; an unknown English reason is not shown in French. */
export function reasonText(t: Translate, message: string): string {
  for (const [pattern, key, params] of REASONS) {
    const match = pattern.exec(message);
    if (!match) continue;
    const vars = params(match);
    if (vars.level) vars.level = word(t, 'pth_', vars.level);
    if (vars.direction) vars.direction = word(t, 'dir_', vars.direction);
    if (vars.type) vars.type = word(t, 'typ_', vars.type);
    return t(key, vars);
  }
  return t.lang === 'en' ? message : t('rsn_other');
}

/**
 * A field path in words: `checks.cpu.busy.warning.trigger` → « Processeur saturé — avertissement,
 * seuil de déclenchement ». Segments it does not know are kept as written (names people gave).
 */
export function pathText(t: Translate, path: string): string {
  const words = wordsOf(t.lang);
  const parts: string[] = [];
  let rest = path;
  const check = /^(?:checks|rules)\.([a-z]+\.[a-z]+)(?:\.|$)/.exec(rest);
  if (check?.[1]) {
    parts.push(checkLabel(words, check[1]));
    rest = rest.slice(check[0].length);
  }
  const named = rest
    .split('.')
    .filter((s) => s !== '')
    .map((segment) => word(t, 'pth_', segment));
  if (named.length) parts.push(named.join(', '));
  return parts.join(' — ');
}
