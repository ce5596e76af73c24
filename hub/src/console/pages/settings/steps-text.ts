import { numberOrText } from './form.js';

export type StepsText = ReadonlyArray<{
  waitSec: number;
  notify: readonly string[];
  repeat?: { everySec: number; times: number } | undefined;
}>;

/**
 * Escalation steps as text, one a line: minutes to wait, then who to notify (levels N1–N3 or
 * channel ids), then optionally `every=<minutes> times=<n>` to repeat — e.g. `30 N2 every=60 times=3`.
 * Anything that is not a number stays text, so the API's schema names the faulty step.
 */
export function stepsFromText(value: string): unknown[] {
  const minutes = (text: string) => {
    const n = numberOrText(text);
    return typeof n === 'number' ? n * 60 : n;
  };
  return value
    .split('\n')
    .map((line) => line.trim().split(/\s+/).filter(Boolean))
    .filter((tokens) => tokens.length > 0)
    .map(([wait = '', ...rest]) => {
      const option = (name: string) => rest.find((t) => t.startsWith(`${name}=`))?.slice(name.length + 1);
      const every = option('every');
      const times = option('times');
      return {
        waitSec: minutes(wait),
        notify: rest.filter((t) => !t.includes('=')),
        ...(every !== undefined || times !== undefined
          ? { repeat: { everySec: minutes(every ?? ''), times: numberOrText(times ?? '') } }
          : {}),
      };
    });
}

/** The text form of stored steps (the inverse of `stepsFromText`). */
export function stepsToText(steps: StepsText): string {
  return steps
    .map((s) =>
      [
        String(s.waitSec / 60),
        ...s.notify,
        ...(s.repeat ? [`every=${s.repeat.everySec / 60}`, `times=${s.repeat.times}`] : []),
      ].join(' '),
    )
    .join('\n');
}
