import { html } from 'hono/html';
import { fleetWords } from '../i18n/fleet.js';
import type { Translate } from '../i18n/i18n.js';
import type { Html } from '../views/layout.js';

/** Series the hub keeps per sample (repositories/samples.ts), by the check that watches each. */
const SERIES_OF_CHECK: ReadonlyArray<[RegExp, string]> = [
  [/^(fs|disk)\./, 'diskMaxPct'],
  [/^cpu/, 'cpuPct'],
  [/^(mem|memory)/, 'memPct'],
  [/^swap/, 'swapPct'],
  [/^load/, 'load1'],
];

export function seriesForCheck(check: string): string | undefined {
  return SERIES_OF_CHECK.find(([pattern]) => pattern.test(check))?.[1];
}

/**
 * A placeholder the chart script fills from `/api/v1/hosts/:id/metrics` (read with the console
 * session). Everything the script needs is in data attributes: no inline script, so the strict
 * CSP holds.
 */
export function chart(
  t: Translate,
  options: {
    /** Redraw every this many seconds, the window sliding to now (the host page's "hour"). */
    refreshSec?: number;
    hostId: string;
    from: number;
    to: number;
    series: readonly string[];
    threshold?: number | null;
    label: string;
  },
): Html {
  return html`<figure class="chart">
    <div
      data-chart
      data-host="${options.hostId}"
      data-from="${options.from}"
      data-to="${options.to}"
      data-series="${options.series.join(',')}"
      data-labels="${options.series.map((s) => seriesLabel(t, s)).join(',')}"
      data-threshold="${options.threshold ?? ''}"
      data-refresh="${options.refreshSec ?? ''}"
      data-threshold-label="${t('chartThreshold')}"
      data-empty="${t('chartNoData')}"
      data-time-label="${fleetWords(t.lang)('chartTime')}"
      role="img"
      aria-label="${options.label}"
    ></div>
    <figcaption>${options.label}</figcaption>
  </figure>`;
}

function seriesLabel(t: Translate, series: string): string {
  switch (series) {
    case 'cpuPct':
      return `${t('cpu')} %`;
    case 'memPct':
      return `${t('memory')} %`;
    case 'diskMaxPct':
      return `${t('disk')} %`;
    case 'swapPct':
      return `${t('swap')} %`;
    default:
      return t('load');
  }
}
