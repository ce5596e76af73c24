import { html } from 'hono/html';
import type { TargetChoices } from '../../../maintenance/targets.js';
import { fleetWords } from '../../i18n/fleet.js';
import type { Translate } from '../../i18n/i18n.js';
import type { Html } from '../../views/layout.js';

/**
 * The maintenance window's target as a picker: one text field with a list of every host (by
 * name), site (`client/site`), client and tag, each labelled with its kind. The service turns a
 * hostname back into the host's id, so nobody types an internal `hst_…` id.
 */
export function maintenanceTargetPicker(t: Translate, choices: TargetChoices, value: string): Html {
  const w = fleetWords(t.lang);
  const option = (v: string, label: string) => html`<option value="${v}" label="${label}"></option>`;
  return html`<label>${t('target')} <input name="target" required maxlength="256" list="maintenance-targets" autocomplete="off" value="${value}" placeholder="${w('targetHelp')}" /></label>
    <datalist id="maintenance-targets">
      ${choices.hosts.map((h) => option(h.hostname, `${t('host')} · ${h.client}/${h.site}`))}
      ${choices.sites.map((s) => option(s, t('site')))}
      ${choices.clients.map((c) => option(c, t('client')))}
      ${choices.tags.map((tag) => option(tag, w('hostTags')))}
    </datalist>`;
}

/** A window's target as a person reads it: a host's name rather than its id. */
export function maintenanceTargetLabel(
  scope: string,
  target: string,
  hostNames: ReadonlyMap<string, string>,
): string {
  return scope === 'host' ? (hostNames.get(target) ?? target) : target;
}
