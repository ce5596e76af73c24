import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubDeps } from '../config/deps.js';
import { testEngine } from '../test-support/test-database.js';
import { createTestDeps, enrolTestAgent } from '../test-support/test-hub.js';
import { type Heard, lastHeardRecorder, recordLastHeard } from './host-silence.js';

const T0 = 1_764_000_000_000;
let deps: HubDeps;

beforeEach(async () => {
  deps = await createTestDeps(() => T0);
});

afterEach(async () => {
  await deps.db.destroy();
});

const lastSeen = async (hostId: string) =>
  Number(
    (
      await deps.db
        .selectFrom('hosts')
        .select('last_seen_at')
        .where('id', '=', hostId)
        .executeTakeFirstOrThrow()
    ).last_seen_at,
  );

// The flush writes through `lastHeardRecorder`: on SQLite a prepared statement, elsewhere
// `recordLastHeard`. Both must mean the same (on a PostgreSQL run they are the same function).
type Record = (deps: HubDeps) => (heard: readonly Heard[]) => Promise<void>;
const IMPLEMENTATIONS: [string, Record][] = [
  ['recordLastHeard (Kysely)', (d) => (heard) => recordLastHeard(d.db, heard)],
  ['lastHeardRecorder', (d) => lastHeardRecorder(d.db)],
];

// SQLite only (`typeof`): the value and its storage class.
const lastSeenRow = async (hostId: string) => {
  const { rows } = await sql<{ at: number | null; type: string }>`
    select last_seen_at as at, typeof(last_seen_at) as type from hosts where id = ${hostId}`.execute(deps.db);
  const row = rows[0]!;
  return { at: row.at === null ? null : Number(row.at), type: row.type };
};

describe.each(IMPLEMENTATIONS)('%s', (_name, makeRecord) => {
  let recordLastHeard: (heard: readonly Heard[]) => Promise<void>;
  beforeEach(() => {
    recordLastHeard = makeRecord(deps);
  });

  it('moves each listed host forward to its own time, never back, and leaves the others alone', async () => {
    const hosts: string[] = [];
    for (let i = 0; i < 3; i += 1)
      hosts.push((await enrolTestAgent(deps, `srv-heard-${i}`, `${'0b'.repeat(15)}${i}${i}`)).hostId);
    const [a, b, untouched] = hosts as [string, string, string];
    await recordLastHeard([
      { hostId: a, at: T0 + 5_000 },
      { hostId: b, at: T0 + 7_000 },
    ]);
    const before = await lastSeen(untouched);
    // An older value (a flush that lost a race) must not move a host back.
    await recordLastHeard([
      { hostId: a, at: T0 + 9_000 },
      { hostId: b, at: T0 + 6_000 },
    ]);
    expect(await lastSeen(a)).toBe(T0 + 9_000);
    expect(await lastSeen(b)).toBe(T0 + 7_000);
    expect(await lastSeen(untouched)).toBe(before);
  });

  it('writes more hosts than one statement holds', async () => {
    const hostId = (await enrolTestAgent(deps)).hostId;
    const many = Array.from({ length: 900 }, (_, i) => ({ hostId: `host_absent_${i}`, at: T0 }));
    await recordLastHeard([...many, { hostId, at: T0 + 1_000 }]);
    expect(await lastSeen(hostId)).toBe(T0 + 1_000);
  });

  it('sets a host never heard, and writes nothing for an empty batch', async () => {
    const hostId = (await enrolTestAgent(deps)).hostId;
    await deps.db.updateTable('hosts').set({ last_seen_at: null }).where('id', '=', hostId).execute();
    await recordLastHeard([]);
    const row = await deps.db
      .selectFrom('hosts')
      .select('last_seen_at')
      .where('id', '=', hostId)
      .executeTakeFirstOrThrow();
    expect(row.last_seen_at).toBeNull();
    await recordLastHeard([{ hostId, at: T0 + 2_000 }]);
    expect(await lastSeen(hostId)).toBe(T0 + 2_000);
  });
});

describe.runIf(testEngine() === 'sqlite')('lastHeardRecorder on SQLite', () => {
  it('stores what recordLastHeard stores, value and type, over the same batches', async () => {
    const viaKysely: string[] = [];
    const viaStatement: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      viaKysely.push((await enrolTestAgent(deps, `srv-k-${i}`, `${'0c'.repeat(15)}${i}${i}`)).hostId);
      viaStatement.push((await enrolTestAgent(deps, `srv-s-${i}`, `${'0d'.repeat(15)}${i}${i}`)).hostId);
    }
    // One host of each set never heard, so the `is null` branch is compared too.
    await deps.db
      .updateTable('hosts')
      .set({ last_seen_at: null })
      .where('id', 'in', [viaKysely[3]!, viaStatement[3]!])
      .execute();
    const batches = [
      [0, 1, 3].map((i) => ({ i, at: T0 + 4_000 + i })),
      [0, 1, 2].map((i) => ({ i, at: T0 + 3_000 + 2_000 * i })),
      [2, 3].map((i) => ({ i, at: T0 + 100 * i })),
    ];
    const record = lastHeardRecorder(deps.db);
    for (const batch of batches) {
      await recordLastHeard(
        deps.db,
        batch.map(({ i, at }) => ({ hostId: viaKysely[i]!, at })),
      );
      await record(batch.map(({ i, at }) => ({ hostId: viaStatement[i]!, at })));
    }
    const kysely = await Promise.all(viaKysely.map(lastSeenRow));
    expect(await Promise.all(viaStatement.map(lastSeenRow))).toEqual(kysely);
    expect(kysely.map((row) => row.type)).toEqual(['integer', 'integer', 'integer', 'integer']);
    expect(kysely.map((row) => row.at)).toEqual([T0 + 4_000, T0 + 5_000, T0 + 7_000, T0 + 4_003]);
  });
});
