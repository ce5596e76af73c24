// The baseline the hub's ingest is compared with: better-sqlite3 alone inserting rows shaped like
// `samples` (same columns, a ~1 KiB JSON payload) in 100-row transactions, WAL, synchronous=NORMAL
// — the same settings as the hub (docs/decisions/0004).
import Database from 'better-sqlite3';

export function rawInsertBaseline(file, { seconds }) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table samples (host_id text not null, boot_id text not null, seq integer not null,
    idx integer not null, at integer not null, received_at integer not null, cpu_pct real, mem_pct real,
    swap_pct real, disk_max_pct real, load1 real, payload text not null,
    primary key (host_id, boot_id, seq, idx));
    create index samples_host_at on samples (host_id, at);`);
  const insert = db.prepare('insert into samples values (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)');
  const payload = JSON.stringify({
    cpu: { usagePct: 12.5, perCorePct: Array.from({ length: 8 }, (_, i) => i * 3.1), load: [0.5, 0.4, 0.3] },
    memory: {
      totalBytes: 8e9,
      usedBytes: 2e9,
      availableBytes: 6e9,
      usedPct: 25,
      swapTotalBytes: 1e9,
      swapUsedBytes: 0,
      swapUsedPct: 0,
    },
    filesystems: ['/', '/var', '/home'].map((mount) => ({
      mount,
      device: '/dev/sda1',
      fsType: 'ext4',
      sizeBytes: 1e11,
      usedBytes: 6e10,
      freeBytes: 4e10,
      usedPct: 60,
    })),
    network: [
      {
        iface: 'eth0',
        rxBytesPerSec: 1234,
        txBytesPerSec: 567,
        rxErrors: 0,
        txErrors: 0,
        rxDropped: 0,
        txDropped: 0,
      },
    ],
  });
  const batch = db.transaction((start) => {
    for (let i = 0; i < 100; i++) {
      const n = start + i;
      insert.run(`hst_${n % 10_000}`, 'boot', n, n, n, 12.5, 25, 0, 60, 0.5, payload);
    }
  });
  let rows = 0;
  const began = performance.now();
  while (performance.now() - began < seconds * 1000) {
    batch(rows);
    rows += 100;
  }
  const elapsed = (performance.now() - began) / 1000;
  db.close();
  return { rows, seconds: elapsed, rowsPerSec: rows / elapsed, payloadBytes: payload.length };
}
