// Vigie console: the few things a server-rendered page cannot do alone. Loaded with `defer` from
// the hub itself; the CSP forbids inline scripts, so everything is wired from data attributes.

(() => {
  const BASE = '/console';

  // Live updates: the hub sends a `change` event when incidents change; each element marked
  // data-live-fragment is refetched (same URL + ?fragment=NAME) and replaced. The HTML comes
  // escaped from the server, like the page it replaces.
  function startLive() {
    const parts = document.querySelectorAll('[data-live-fragment]');
    if (parts.length === 0 || typeof EventSource === 'undefined') return;
    const status = document.querySelector('[data-live-status]');
    let inFlight = false;
    let again = false;
    async function refresh() {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      try {
        for (const part of parts) {
          const url = new URL(window.location.href);
          url.searchParams.set('fragment', part.getAttribute('data-live-fragment'));
          const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
          if (!res.ok) continue;
          // A refresh must not undo what the reader is doing: ticked tickets, unfolded groups.
          const ticked = new Set(
            [...part.querySelectorAll('input[type=checkbox]:checked')].map((i) => i.value),
          );
          const unfolded = new Set(
            [...part.querySelectorAll('details[open]')].map((d) =>
              d.closest('[data-incident]')?.getAttribute('data-incident'),
            ),
          );
          part.innerHTML = await res.text();
          for (const box of part.querySelectorAll('input[type=checkbox]'))
            box.checked = ticked.has(box.value);
          for (const details of part.querySelectorAll('details')) {
            if (unfolded.has(details.closest('[data-incident]')?.getAttribute('data-incident')))
              details.open = true;
          }
        }
        document.body.setAttribute('data-live-updated', String(Date.now()));
      } finally {
        inFlight = false;
        if (again) {
          again = false;
          void refresh();
        }
      }
    }
    const source = new EventSource(`${BASE}/live`);
    source.addEventListener('ready', () => {
      document.body.setAttribute('data-live', 'on');
      status?.classList.add('on');
      // Whatever changed between rendering this page and (re)connecting the stream.
      void refresh();
    });
    source.addEventListener('change', () => void refresh());
    source.addEventListener('error', () => status?.classList.remove('on'));
  }

  const COLOURS = ['#1f5fbf', '#b3261e', '#2e7d32', '#7b1fa2'];

  async function drawChart(el) {
    const host = el.getAttribute('data-host');
    const series = el.getAttribute('data-series').split(',');
    const labels = el.getAttribute('data-labels').split(',');
    const threshold = el.getAttribute('data-threshold');
    const refreshSec = Number(el.getAttribute('data-refresh') || 0);
    const span = Number(el.getAttribute('data-to')) - Number(el.getAttribute('data-from'));
    let plot;

    async function load(from, to) {
      const url = `${BASE}/hosts/${encodeURIComponent(host)}/series?from=${from}&to=${to}`;
      const res = await fetch(url, { credentials: 'same-origin' });
      const points = res.ok ? (await res.json()).points : [];
      const xs = points.map((p) => p.at / 1000);
      const data = [xs, ...series.map((s) => points.map((p) => p[s]))];
      if (threshold !== '' && threshold !== null) data.push(xs.map(() => Number(threshold)));
      return { points, data };
    }

    const first = await load(el.getAttribute('data-from'), el.getAttribute('data-to'));
    if (first.points.length === 0 || typeof uPlot === 'undefined') {
      el.textContent = el.getAttribute('data-empty');
    } else {
      // fleet: axes and legend in the page's language (no "Time", no "12:21pm"); null points
      // (the server marks stops with them) break the line instead of bridging the gap.
      const lang = document.documentElement.lang || 'fr';
      const tick = new Intl.DateTimeFormat(
        lang,
        span > 2 * 86_400_000 ? { day: '2-digit', month: '2-digit' } : { hour: '2-digit', minute: '2-digit' },
      );
      const full = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' });
      const num = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
      const shown = (_u, v) => (v === null || v === undefined ? '–' : num.format(v));
      const opts = {
        width: Math.max(260, el.clientWidth || 800),
        height: 240,
        series: [
          {
            label: el.getAttribute('data-time-label') || '',
            value: (_u, v) => (v === null || v === undefined ? '–' : full.format(new Date(v * 1000))),
          },
          ...series.map((s, i) => ({
            label: labels[i] || s,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            spanGaps: false,
            value: shown,
          })),
        ],
        axes: [
          { values: (_u, splits) => splits.map((v) => tick.format(new Date(v * 1000))) },
          { values: (_u, splits) => splits.map((v) => num.format(v)) },
        ],
      };
      if (threshold !== '' && threshold !== null) {
        opts.series.push({
          label: el.getAttribute('data-threshold-label'),
          stroke: '#b3261e',
          dash: [6, 4],
          width: 1,
        });
      }
      el.textContent = '';
      plot = new uPlot(opts, first.data, el);
      el.setAttribute('data-drawn', String(first.points.length));
      el.setAttribute('data-gaps', String(first.points.filter((p) => p[series[0]] === null).length));
    }
    // Live charts: the window slides to now; the server buckets, so each refresh is small.
    if (refreshSec > 0) {
      setInterval(async () => {
        const to = Date.now();
        const next = await load(to - span, to);
        if (plot && next.points.length > 0) {
          plot.setData(next.data);
          el.setAttribute('data-drawn', String(next.points.length));
        }
      }, refreshSec * 1000);
    }
  }

  function startCharts() {
    for (const el of document.querySelectorAll('[data-chart]')) void drawChart(el);
  }

  // Copy buttons next to install commands (their icon is drawn by the stylesheet).
  function startCopy() {
    for (const button of document.querySelectorAll('[data-copy]')) {
      button.addEventListener('click', async () => {
        const target = document.getElementById(button.getAttribute('data-copy'));
        if (!target || !navigator.clipboard) return;
        await navigator.clipboard.writeText(target.textContent);
        button.setAttribute('data-copied', '');
        setTimeout(() => button.removeAttribute('data-copied'), 2000);
      });
    }
  }

  // The reader's time zone, sent once: the hub renders dates in it from the next page on. A zone
  // chosen in the preferences is already in the cookie and wins. Reload once so this page agrees.
  function sendTimeZone() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || /(?:^|; )vigie_tz=/.test(document.cookie)) return;
    document.cookie = `vigie_tz=${encodeURIComponent(zone)}; path=${BASE}; max-age=31536000; SameSite=Strict`;
    const shown = document.body.getAttribute('data-time-zone') || '';
    // Only a page that shows times is worth reloading (not the sign-in form being typed into).
    const showsTimes = document.querySelector('main time') !== null;
    if (
      shown !== zone &&
      showsTimes &&
      /(?:^|; )vigie_tz=/.test(document.cookie) &&
      !sessionStorage.getItem('vigie-tz-sent')
    ) {
      sessionStorage.setItem('vigie-tz-sent', '1');
      window.location.reload();
    }
  }

  // On a phone the menu (admin pages, preferences, sign-out, language) starts folded.
  function foldMenuOnPhone() {
    const menu = document.querySelector('[data-menu]');
    if (menu && window.matchMedia('(max-width: 700px)').matches) menu.open = false;
  }

  sendTimeZone();
  foldMenuOnPhone();
  startLive();
  startCharts();
  startCopy();
})();
