import { formatDuration, formatNumber } from './format.js';
import { wordsOf } from './render.js';

/** N0's words in one language: actions, outcomes, reasons (decision 0029). */
interface RemediationWords {
  readonly actions: Readonly<Record<string, string>>;
  readonly outcomes: Readonly<Record<string, string>>;
  readonly reasons: Readonly<Record<string, string>>;
  readonly attempt: (n: number, max: number) => string;
  readonly attempts: (n: number) => string;
  readonly removed: (files: number, size: string) => string;
  readonly verify: (after: string) => string;
  readonly exitCode: (code: number) => string;
}

const FR: RemediationWords = {
  actions: {
    'restart-service': 'redémarrage du service',
    'clean-folder': 'nettoyage du dossier',
    'clear-package-cache': 'vidage du cache des paquets',
  },
  outcomes: {
    done: 'action exécutée',
    failed: "échec de l'action",
    refused: 'refusée',
    'no-answer': 'sans réponse',
  },
  reasons: {
    'not-allowed': "non autorisée par l'administrateur de la machine",
    'invalid-params': 'paramètres refusés par la machine',
    'bound-reached': 'limite de tentatives atteinte',
    'not-failing': 'la vérification ne signale plus de panne',
    unsupported: 'impossible sur cette machine',
    busy: 'une autre action était en cours',
    'still-failing': 'toujours en panne après vérification',
    'no-answer': "l'agent n'a pas répondu",
    'agent-unreachable': 'agent non connecté',
    acknowledged: 'pris en charge par un technicien',
    resolved: 'incident déjà résolu',
    recovered: 'rétabli',
    maintenance: 'fenêtre de maintenance',
  },
  attempt: (n, max) => `tentative ${n} sur ${max}`,
  attempts: (n) => `${n} tentative${n > 1 ? 's' : ''}`,
  removed: (files, size) =>
    `${files} fichier${files > 1 ? 's' : ''} supprimé${files > 1 ? 's' : ''} (${size})`,
  verify: (after) => `vérification après ${after}`,
  exitCode: (code) => `code de sortie ${code}`,
};

const EN: RemediationWords = {
  actions: {
    'restart-service': 'service restart',
    'clean-folder': 'folder clean-up',
    'clear-package-cache': 'package cache clean-up',
  },
  outcomes: { done: 'action ran', failed: 'action failed', refused: 'refused', 'no-answer': 'no answer' },
  reasons: {
    'not-allowed': "not allowed by the machine's admin",
    'invalid-params': 'parameters refused by the machine',
    'bound-reached': 'attempt limit reached',
    'not-failing': 'the check no longer reports a fault',
    unsupported: 'not possible on this machine',
    busy: 'another action was running',
    'still-failing': 'still failing after verification',
    'no-answer': 'the agent did not answer',
    'agent-unreachable': 'agent not connected',
    acknowledged: 'taken by a technician',
    resolved: 'incident already resolved',
    recovered: 'recovered',
    maintenance: 'maintenance window',
  },
  attempt: (n, max) => `attempt ${n} of ${max}`,
  attempts: (n) => `${n} attempt${n > 1 ? 's' : ''}`,
  removed: (files, size) => `${files} file${files > 1 ? 's' : ''} removed (${size})`,
  verify: (after) => `verified after ${after}`,
  exitCode: (code) => `exit code ${code}`,
};

function size(bytes: number, locale: string): string {
  const w = wordsOf(locale);
  const units = ['o', 'Kio', 'Mio', 'Gio', 'Tio'];
  const en = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${formatNumber(w, value)} ${(locale === 'en' ? en : units)[i]}`;
}

/** The parts of an N0 timeline detail (`remediation_*` kinds), in the reader's language. */
export function remediationParts(kind: string, d: Record<string, unknown>, locale: string): string[] {
  if (!kind.startsWith('remediation_')) return [];
  const r = locale === 'en' ? EN : FR;
  const parts: string[] = [];
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  if (typeof d.action === 'string' && r.actions[d.action]) parts.push(r.actions[d.action] ?? '');
  const attempt = num(d.attempt);
  const max = num(d.maxAttempts);
  if (attempt !== undefined && max !== undefined) parts.push(r.attempt(attempt, max));
  else if (max !== undefined) parts.push(r.attempts(max));
  const attempts = num(d.attempts);
  if (attempts !== undefined) parts.push(r.attempts(attempts));
  if (typeof d.outcome === 'string' && r.outcomes[d.outcome]) parts.push(r.outcomes[d.outcome] ?? '');
  if (typeof d.reason === 'string' && r.reasons[d.reason]) parts.push(r.reasons[d.reason] ?? '');
  const removed = num(d.removedFiles);
  if (removed !== undefined) parts.push(r.removed(removed, size(num(d.freedBytes) ?? 0, locale)));
  const exit = num(d.exitCode);
  if (exit !== undefined) parts.push(r.exitCode(exit));
  const verify = num(d.verifySec);
  if (verify !== undefined) parts.push(r.verify(formatDuration(wordsOf(locale), verify * 1000)));
  return parts;
}
