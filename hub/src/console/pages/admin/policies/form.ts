import { checkOverridesSchema, type Policy, type PolicyLayerSettings } from '@vigie/shared';
import { remediationFromForm, remediationValues } from './remediation-form.js';

// A policy layer as the console's form shows and reads it.

/** The check kinds a layer can override, in the schema's order. */
export const RULE_KINDS = Object.keys(checkOverridesSchema.shape) as Array<
  keyof typeof checkOverridesSchema.shape
>;
export const LEVELS = ['warning', 'critical'] as const;
export const LEVEL_FIELDS = ['trigger', 'clear', 'forSec'] as const;

export type Values = Readonly<Record<string, string>>;
type FormBody = Record<string, unknown>;

export const field = (kind: string, name: string) => `${kind}|${name}`;
export const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
/** A number field: empty is absent; anything else not a number stays text, for zod to name. */
const numberOrText = (value: string): number | string | undefined =>
  value === '' ? undefined : Number.isFinite(Number(value)) ? Number(value) : value;
const onOff = (value: string) => (value === 'on' ? true : value === 'off' ? false : undefined);
const lines = (value: string) =>
  value
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/**
 * The layer a form describes: the fields the form shows replace the stored ones (empty: inherit);
 * settings the form does not show (resource filters, options, windows) are kept as stored.
 */
export function settingsFromForm(form: FormBody, stored: PolicyLayerSettings): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  put(out, 'metricsIntervalSec', numberOrText(text(form.metricsIntervalSec)));
  put(out, 'processesIntervalSec', numberOrText(text(form.processesIntervalSec)));
  put(out, 'inventoryCron', text(form.inventoryCron) || undefined);
  const services = lines(text(form.services));
  put(out, 'services', services.length ? services : undefined);
  put(out, 'autoUpdate', onOff(text(form.autoUpdate)));
  const checks: Record<string, unknown> = { ...(stored.checks ?? {}) };
  for (const kind of RULE_KINDS) {
    const f = (name: string) => text(form[field(kind, name)]);
    const override: Record<string, unknown> = { ...((checks[kind] as object | undefined) ?? {}) };
    put(override, 'enabled', onOff(f('enabled')));
    put(override, 'forSec', numberOrText(f('forSec')));
    put(override, 'clearForSec', numberOrText(f('clearForSec')));
    for (const level of LEVELS) {
      if (f(`${level}.off`) === '1') {
        override[level] = null;
        continue;
      }
      const threshold: Record<string, unknown> = {};
      for (const key of LEVEL_FIELDS) put(threshold, key, numberOrText(f(`${level}.${key}`)));
      put(override, level, Object.keys(threshold).length ? threshold : undefined);
    }
    put(checks, kind, Object.keys(override).length ? override : undefined);
  }
  put(out, 'checks', Object.keys(checks).length ? checks : undefined);
  put(out, 'remediation', remediationFromForm(form));
  return out;
}

/** The form's fields filled from a stored layer. */
export function valuesOf(settings: PolicyLayerSettings): Record<string, string> {
  const values: Record<string, string> = {};
  const set = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) values[name] = String(value);
  };
  set('metricsIntervalSec', settings.metricsIntervalSec);
  set('processesIntervalSec', settings.processesIntervalSec);
  set('inventoryCron', settings.inventoryCron);
  set('services', settings.services?.join('\n'));
  set('autoUpdate', settings.autoUpdate === undefined ? undefined : settings.autoUpdate ? 'on' : 'off');
  for (const kind of RULE_KINDS) {
    const o = settings.checks?.[kind];
    if (!o) continue;
    set(field(kind, 'enabled'), o.enabled === undefined ? undefined : o.enabled ? 'on' : 'off');
    set(field(kind, 'forSec'), o.forSec);
    set(field(kind, 'clearForSec'), o.clearForSec);
    for (const level of LEVELS) {
      const threshold = o[level];
      if (threshold === null) set(field(kind, `${level}.off`), '1');
      else for (const key of LEVEL_FIELDS) set(field(kind, `${level}.${key}`), threshold?.[key]);
    }
  }
  return { ...values, ...remediationValues(settings) };
}

/** Settings of a stored layer the form cannot show, named so the admin knows they are kept. */
export function keptSettings(settings: PolicyLayerSettings): string[] {
  const kept: string[] = [];
  if (settings.maintenanceWindows) kept.push('maintenanceWindows');
  for (const [kind, o] of Object.entries(settings.checks ?? {})) {
    if (o && 'resources' in o && o.resources) kept.push(`${kind}.resources`);
    if (o && 'options' in o && o.options) kept.push(`${kind}.options`);
  }
  return kept;
}

/** A value of the effective policy at a `sources` path (`/checks/cpu.busy/warning/trigger`). */
export function valueAt(policy: Policy, path: string): unknown {
  const [top, ...rest] = path.split('/').filter(Boolean);
  let value: unknown =
    top === 'checks'
      ? policy.checks?.find((rule) => rule.kind === rest.shift())
      : (policy as Record<string, unknown>)[top ?? ''];
  for (const key of rest)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}
