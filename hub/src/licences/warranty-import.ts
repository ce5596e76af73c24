import type { HubDeps } from '../config/deps.js';
import { isPlaceholderSerial } from '../inventory/placeholder-serial.js';
import { findHostsBySerials } from '../repositories/inventory-hardware.js';
import { setWarranty } from '../repositories/warranties.js';
import { evaluateWarrantiesNow } from './evaluate-now.js';
import { type LineError, parseWarrantyCsv, type WarrantyLine } from './warranty-csv.js';

/** A line's refusal, with the codes the import adds to the parser's. */
export type ImportLineError =
  | LineError
  | { readonly line: number; readonly code: 'PLACEHOLDER_SERIAL'; readonly message: string };

export type WarrantyImport =
  | {
      readonly ok: true;
      readonly imported: readonly { line: WarrantyLine; host: { host_id: string; hostname: string } }[];
    }
  | { readonly ok: false; readonly errors: readonly ImportLineError[] };

/**
 * Imports a warranty file for the API and the console: each serial must name exactly one host by
 * its inventory's hardware serial. A placeholder serial ("To be filled by O.E.M.", "N/A", "-"…)
 * names no host and refuses its line, whatever a host reports. All or nothing: one bad line and
 * nothing is written; then each imported host's warranty expiry is evaluated at once.
 */
export async function importWarranties(deps: HubDeps, text: string, by: string): Promise<WarrantyImport> {
  const { lines, errors } = parseWarrantyCsv(text);
  const all: ImportLineError[] = [...errors];
  const real = lines.filter((line) => {
    if (!isPlaceholderSerial(line.serial)) return true;
    all.push({ line: line.line, code: 'PLACEHOLDER_SERIAL', message: 'a placeholder serial names no host' });
    return false;
  });
  const hosts = (
    await findHostsBySerials(
      deps.db,
      real.map((l) => l.serial),
    )
  ).filter((h) => !isPlaceholderSerial(h.serial));
  const bySerial = new Map<string, { host_id: string; hostname: string }[]>();
  for (const host of hosts) bySerial.set(host.serial, [...(bySerial.get(host.serial) ?? []), host]);
  const matched: { line: WarrantyLine; host: { host_id: string; hostname: string } }[] = [];
  for (const line of real) {
    const candidates = bySerial.get(line.serial) ?? [];
    const [host] = candidates;
    if (candidates.length > 1 || !host)
      all.push({
        line: line.line,
        code: host ? 'AMBIGUOUS_SERIAL' : 'UNKNOWN_SERIAL',
        message: host ? `${candidates.length} hosts report this serial` : 'no host reports this serial',
      });
    else matched.push({ line, host });
  }
  if (all.length > 0) return { ok: false, errors: all.sort((a, b) => a.line - b.line) };
  const now = deps.clock();
  await deps.db.transaction().execute(async (trx) => {
    for (const { line, host } of matched)
      await setWarranty(
        trx,
        host.host_id,
        {
          warrantyUntil: line.warrantyUntil,
          purchasedAt: line.purchasedAt,
          vendor: line.vendor,
          source: 'csv',
        },
        now,
      );
  });
  deps.log.info({ by, imported: matched.length }, 'warranties imported');
  await evaluateWarrantiesNow(
    deps.db,
    deps.incidents,
    matched.map(({ host }) => host.host_id),
    deps.clock(),
  );
  return { ok: true, imported: matched };
}
