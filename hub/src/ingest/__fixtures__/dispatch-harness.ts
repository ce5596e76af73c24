import type { CloseCodeName, HubMessage } from '@vigie/shared';
import pino from 'pino';
import type { HubDeps } from '../../config/deps.js';
import { sqliteHandleOf } from '../../db/connect.js';
import type { SenderIdentity } from '../commit-in-transaction.js';
import { createLiveSessions } from '../live-sessions.js';
import { createDispatch } from '../session-dispatch.js';

export const T0 = 1_764_000_000_000;

/** A dispatcher over a queue run in order, recording what it sends and the samples stored at each send. */
export function dispatchHarness(deps: HubDeps, sender: SenderIdentity | undefined) {
  const sqlite = sqliteHandleOf(deps.db);
  const storedNow = () => Number(sqlite?.prepare('select count(*) from samples').pluck().get() ?? -1);
  const sent: { message: HubMessage; storedSamples: number }[] = [];
  const closes: CloseCodeName[] = [];
  const failures: unknown[] = [];
  const sessions = createLiveSessions(() => T0);
  let queue = Promise.resolve();
  // Pipelined commits not settled yet; what is queued after them waits for them (session-flow).
  let pipelined = Promise.resolve();
  const failed = (error: unknown) => void failures.push(error);
  const dispatch = createDispatch(deps, sessions, {
    flow: {
      enqueue: (job) => {
        queue = queue
          .then(() => pipelined)
          .then(job)
          .catch(failed);
      },
      pipeline: (submit) => {
        queue = queue.then(() => {
          const done = submit().catch(failed);
          pipelined = Promise.all([pipelined, done]).then(() => {});
        });
      },
      send: (message) => void sent.push({ message, storedSamples: storedNow() }),
    },
    log: pino({ level: 'silent' }),
    close: (code) => void closes.push(code),
    sender: () => sender,
  });
  return { dispatch, sent, closes, failures, sessions, drained: () => queue.then(() => pipelined) };
}
