import { CronExpressionParser } from 'cron-parser';

/** A maintenance window as the engine needs it. */
export interface WindowFacts {
  readonly id: string;
  readonly scope: 'host' | 'site' | 'client' | 'tag';
  readonly target: string;
  readonly cron: string;
  readonly durationMs: number;
  readonly timezone: string;
}

/** The host a window may cover. */
export interface ScopedHost {
  readonly id: string;
  readonly client: string;
  readonly site: string;
  readonly tags: readonly string[];
}

/** True when the window's scope takes in this host. */
export function covers(window: WindowFacts, host: ScopedHost): boolean {
  switch (window.scope) {
    case 'host':
      return window.target === host.id;
    case 'site':
      return window.target === `${host.client}/${host.site}`;
    case 'client':
      return window.target === host.client;
    case 'tag':
      return host.tags.includes(window.target);
  }
}

/** When the window's latest start at or before `now` ends, or null for an invalid expression. */
export function currentEnd(window: WindowFacts, now: number): number | null {
  try {
    // prev() is strictly before currentDate: +1 ms lets a window starting exactly now count.
    const start = CronExpressionParser.parse(window.cron, {
      currentDate: new Date(now + 1),
      tz: window.timezone,
    })
      .prev()
      .getTime();
    return start + window.durationMs;
  } catch {
    return null;
  }
}

/** The first window covering the host at `now`, with when it ends. */
export function activeWindow(
  windows: readonly WindowFacts[],
  host: ScopedHost,
  now: number,
): { id: string; endsAt: number } | null {
  for (const window of windows) {
    if (!covers(window, host)) continue;
    const end = currentEnd(window, now);
    if (end !== null && now < end) return { id: window.id, endsAt: end };
  }
  return null;
}

/** True when a cron expression parses (for validating windows at the API edge). */
export function isValidCron(expression: string, timezone = 'UTC'): boolean {
  try {
    CronExpressionParser.parse(expression, { tz: timezone });
    return true;
  } catch {
    return false;
  }
}
