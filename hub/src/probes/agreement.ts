import { CHECK_STATE_RANK, type CheckState } from '@vigie/shared';

/** What one probing agent currently says about a device, and whether it is still worth hearing. */
export interface ProbeVote {
  /** Its judged state; undefined before its first result. */
  readonly state: CheckState | undefined;
  /** Its host is connected to the hub right now. */
  readonly online: boolean;
  /** Agent clock of its newest result. */
  readonly at: number | null;
  /** Hub clock when that result arrived. */
  readonly receivedAt: number | null;
}

/**
 * How long a probing agent's word counts after its last result: three intervals and the run's
 * timeout, so one late run is not silence.
 */
export function voteLifetimeMs(intervalSec: number, timeoutMs: number): number {
  return 3 * intervalSec * 1000 + timeoutMs;
}

/**
 * A vote counts while its agent is online and its newest result is recent, both by arrival on the
 * hub's clock and by age when it arrived (a backlog drained after an outage tells the past).
 */
export function isFresh(vote: ProbeVote, now: number, lifetimeMs: number): boolean {
  return (
    vote.online &&
    vote.state !== undefined &&
    vote.at !== null &&
    vote.receivedAt !== null &&
    now - vote.receivedAt <= lifetimeMs &&
    vote.receivedAt - vote.at <= lifetimeMs
  );
}

/**
 * The device's state as its probing agents agree on it: the least severe state among the fresh
 * votes, so a fault counts only when every agent still heard from sees it (an agent's own outage is
 * not the device's). No fresh vote: undefined, and nothing is decided — a silent agent's last word
 * neither opens nor clears anything.
 */
export function agreedState(
  votes: readonly ProbeVote[],
  now: number,
  lifetimeMs: number,
): CheckState | undefined {
  let agreed: CheckState | undefined;
  for (const vote of votes) {
    if (!isFresh(vote, now, lifetimeMs) || vote.state === undefined) continue;
    if (agreed === undefined || CHECK_STATE_RANK[vote.state] < CHECK_STATE_RANK[agreed]) agreed = vote.state;
  }
  return agreed;
}
