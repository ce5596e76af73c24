import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { holdSilenceBaseline } from '../../repositories/host-silence.js';

/**
 * The longest a hub start can hold silences back: a hub that cannot re-admit its fleet within
 * this is itself the outage, and a host still unheard then is judged as usual (a dead host is
 * ticketed at most this + the grace after the start, even under a hello flood).
 */
export const READMISSION_HOLD_MAX_MS = 5 * 60_000;

/**
 * After a start the hub re-admits its whole fleet at once; when it verifies hellos slower than
 * the agents come back (a cold credential cache, a loaded CPU), agents wait in its queue or are
 * refused with "too many handshakes" while their grace runs. Their hosts are not silent: the hub
 * is behind. So while it is behind (`behindAt`: the last time a newcomer was refused or a hello
 * waited too long), the baseline of the hosts not yet back follows it: each is judged from when
 * the hub could serve it, which sizes the post-start grace to the fleet at the rate actually
 * achieved. Bounded by `READMISSION_HOLD_MAX_MS` from the start (0023).
 */
export function createReadmissionHold(options: {
  db: Kysely<Database>;
  /** When this hub started listening (the baseline it gave every host it could not hear). */
  listenedAt: number;
  behindAt: () => number | undefined;
  maxMs: number;
}) {
  let applied = options.listenedAt;
  return {
    /** Run before each silence sweep: move the baselines to the last moment the hub was behind. */
    async apply(): Promise<void> {
      const behind = options.behindAt();
      if (behind === undefined) return;
      const at = Math.min(behind, options.listenedAt + options.maxMs);
      if (at <= applied) return;
      await holdSilenceBaseline(options.db, { since: options.listenedAt, at });
      applied = at;
    },
  };
}
