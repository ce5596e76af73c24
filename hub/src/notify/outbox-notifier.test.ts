import { afterEach, describe, expect, it } from 'vitest';
import { notifyHarness, sampleNotice, T0 } from './__fixtures__/notify-setup.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function harness() {
  const h = await notifyHarness();
  cleanups.push(() => h.deps.db.destroy());
  return h;
}

const hook = (path: string) => ({
  kind: 'webhook' as const,
  config: { url: `https://hooks.example/${path}` },
});

describe('outbox notifier', () => {
  it('queues one pending row per enabled channel serving the level and wanting the kind', async () => {
    const h = await harness();
    const n3 = await h.addChannel(hook('n3'), { levels: ['N3'], noticeKinds: ['opened'] });
    const all = await h.addChannel(hook('all'), {
      levels: ['N1', 'N2', 'N3'],
      noticeKinds: ['opened', 'resolved'],
    });
    await h.addChannel(hook('n1'), { levels: ['N1'], noticeKinds: ['opened'] });
    await h.addChannel(hook('esc'), { levels: ['N3'], noticeKinds: ['escalated'] });
    await h.addChannel(hook('off'), { levels: ['N3'], noticeKinds: ['opened'], enabled: false });

    await h.notify(sampleNotice());
    const rows = await h.outbox();
    expect(rows.map((r) => r.channel_id).sort()).toEqual([n3, all].sort());
    for (const row of rows) {
      expect(row).toMatchObject({
        delivery_key: 'inc_0001/N3',
        state: 'pending',
        attempts: 0,
        next_attempt_at: T0,
      });
      expect(JSON.parse(row.payload)).toEqual(sampleNotice());
    }
  });

  it('is idempotent on (delivery key, channel) and adds rows for new keys', async () => {
    const h = await harness();
    await h.addChannel(hook('n3'), { noticeKinds: ['opened', 'escalated'] });
    await h.notify(sampleNotice());
    await h.notify(sampleNotice({ reason: 'evaluated again' }));
    expect(await h.outbox()).toHaveLength(1);
    await h.notify(sampleNotice({ kind: 'escalated', deliveryKey: 'inc_0001/escalated/1' }));
    expect(await h.outbox()).toHaveLength(2);
  });

  it('queues nothing when the engine transaction rolls back', async () => {
    const h = await harness();
    await h.addChannel(hook('n3'));
    await expect(
      h.deps.db.transaction().execute(async (trx) => {
        await h.notifications.notifier.notify(trx, sampleNotice());
        throw new Error('incident change failed');
      }),
    ).rejects.toThrow('incident change failed');
    expect(await h.outbox()).toHaveLength(0);
  });
});
