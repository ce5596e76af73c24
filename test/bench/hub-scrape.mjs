// Reads the hub's own Prometheus metrics (GET /metrics, open to loopback by default) before and
// after a measurement window, and turns the counters' differences into rates: what the hub says it
// committed and how long each message waited for its commit, from the same window as the bench's
// own figures.

/** `name{labels} value` lines of the text exposition format, as a map from the series to its value. */
export function parsePrometheus(text) {
  const series = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const value = Number(line.slice(cut + 1));
    if (Number.isFinite(value)) series.set(line.slice(0, cut), value);
  }
  return series;
}

/** The sum of every series of `name` whose labels contain each `label="value"` of `labels`. */
export function sumOf(series, name, labels = []) {
  let total = 0;
  for (const [key, value] of series) {
    const brace = key.indexOf('{');
    if ((brace === -1 ? key : key.slice(0, brace)) !== name) continue;
    if (labels.every((label) => key.includes(label))) total += value;
  }
  return total;
}

/** GET `${url}/metrics`, parsed; `signal` bounds the wait. */
export async function scrapeHub(url, signal) {
  const response = await fetch(`${url}/metrics`, { signal });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

/**
 * What the hub did between two scrapes `seconds` apart: metrics messages committed per second, the
 * mean time from a message handed to the store to its commit (the group-commit window's wait plus
 * the transaction; vigie_ingest_commit_seconds is per message, not per transaction), samples per
 * message, and the garbage collector's time per second.
 */
export function hubDelta(before, after, seconds) {
  const diff = (name, labels) => sumOf(after, name, labels) - sumOf(before, name, labels);
  const metrics = ['type="metrics"'];
  const messages = diff('vigie_ingest_commit_seconds_count', metrics);
  const samples = diff('vigie_ingest_commit_batch_samples_sum');
  const sampled = diff('vigie_ingest_commit_batch_samples_count');
  return {
    committedPerSec: diff('vigie_ingest_reports_total', metrics) / seconds,
    meanSubmitToCommitMs:
      messages > 0 ? (diff('vigie_ingest_commit_seconds_sum', metrics) / messages) * 1000 : null,
    samplesPerMessage: sampled > 0 ? samples / sampled : null,
    gcMsPerSec: (diff('vigie_hub_nodejs_gc_duration_seconds_sum') / seconds) * 1000,
  };
}
