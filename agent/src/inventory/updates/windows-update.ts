import { type PendingUpdate, type PendingUpdates, summarise } from './pending.js';

/**
 * The PowerShell the Windows agent would run: the Windows Update Agent's own search for updates
 * not installed, one object per update, as JSON. Recorded outputs of it are what is tested.
 */
export const WINDOWS_UPDATE_SCRIPT = [
  '$s = (New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher();',
  '$r = $s.Search("IsInstalled=0 and IsHidden=0 and Type=\'Software\'");',
  '$r.Updates | ForEach-Object { [pscustomobject]@{ Title = $_.Title;',
  "KB = ($_.KBArticleIDs -join ','); Severity = $_.MsrcSeverity;",
  "Categories = (($_.Categories | ForEach-Object Name) -join ';') } } | ConvertTo-Json -Compress",
].join(' ');

interface WuItem {
  Title?: unknown;
  KB?: unknown;
  Severity?: unknown;
  Categories?: unknown;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Parses the script's JSON. ConvertTo-Json prints a lone object (not an array) for one update
 * and nothing at all for none. An update is a security one when Microsoft gave it a severity
 * or filed it under Security Updates.
 */
export function parseWindowsUpdate(output: string): PendingUpdates | undefined {
  const trimmed = output.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return summarise('windows-update', [], true);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const items = (Array.isArray(parsed) ? parsed : [parsed]) as (WuItem | null)[];
  const packages: PendingUpdate[] = [];
  for (const item of items) {
    const title = text(item?.Title);
    if (title === '') continue;
    const kb = text(item?.KB);
    const categories = text(item?.Categories).split(';');
    packages.push({
      name: title,
      version: kb === '' ? '' : `KB${kb.split(',')[0]}`,
      security: text(item?.Severity) !== '' || categories.includes('Security Updates'),
    });
  }
  return summarise('windows-update', packages, true);
}
