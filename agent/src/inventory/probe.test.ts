import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { inventorySchema } from '@vigie/shared';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectThroughProbe, type ProbeError } from './probe.js';

// dpkg-query's own `${Field}` syntax, built so it is not mistaken for a template placeholder.
const dpkgField = (field: string) => `\${${field}}`;

// The probe is the agent started with a hidden argument; here it is this package's probe entry
// bundled the way the release bundle is (esbuild, @vigie/shared from source), run with node.
let dir: string;
let probeBundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-probe-'));
  probeBundle = join(dir, 'probe.mjs');
  const entry = fileURLToPath(new URL('./probe-main.ts', import.meta.url));
  await build({
    stdin: {
      contents: `import { runInventoryProbe } from ${JSON.stringify(entry)};\nprocess.exitCode = await runInventoryProbe();\n`,
      resolveDir: dir,
      loader: 'ts',
    },
    outfile: probeBundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@vigie/source'],
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = (name: string, code: string) => {
  const path = join(dir, name);
  writeFileSync(path, code);
  return { file: process.execPath, args: [path] };
};

describe('collecting the inventory through a probe process', () => {
  it('keeps the event loop free (no stall over 100 ms) while this machine’s inventory is collected', async () => {
    // A behavioural bound, generous for a loaded 2-core machine: collecting in process stalls the
    // loop for 150–300 ms here on every run (systeminformation's execSync/spawnSync calls); through
    // the probe the loop only parses a line at a time. A busy machine can also deschedule this
    // thread for 100 ms at random, so the bound must hold on one of up to three collections.
    const stalls: number[] = [];
    let result: Awaited<ReturnType<typeof collectThroughProbe>> | undefined;
    while (stalls.length < 3 && Math.min(Infinity, ...stalls) >= 100) {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      result = await collectThroughProbe({ file: process.execPath, args: [probeBundle] });
      delay.disable();
      stalls.push(delay.max / 1e6);
    }
    expect(Math.min(...stalls), `longest stall of each collection (ms): ${stalls.join(', ')}`).toBeLessThan(
      100,
    );
    if (!result) throw new Error('no collection');

    expect(result.chunks.length).toBeGreaterThan(0);
    for (const chunk of result.chunks)
      expect(inventorySchema.safeParse({ ...chunk, bootId: 'boot-0001', seq: 1 }).success).toBe(true);
    const software = result.chunks.flatMap((c) => c.software ?? []);
    if (existsSync('/var/lib/dpkg/status')) {
      const installed = execFileSync('dpkg-query', ['-W', '-f', `${dpkgField('db:Status-Status')}\n`], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter((s) => s === 'installed').length;
      expect(software.filter((s) => s.source === 'dpkg')).toHaveLength(installed);
    }
    expect(result.chunks[0]?.os).toMatchObject({ platform: process.platform });
  }, 120_000);

  it('stops a probe whose agent went away (its stdin closed) without a result', async () => {
    const child = spawn(process.execPath, [probeBundle], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(out).not.toContain('"kind":"done"');
  });

  it('passes the probe’s logs on and returns its chunks in order', async () => {
    const chunk = (i: number) => ({
      type: 'inventory',
      at: 1,
      hash: 'h'.repeat(8),
      chunk: i,
      chunks: 2,
      software: [],
    });
    const command = script(
      'ok.mjs',
      `for (const line of [
        { kind: 'log', msg: 'source failed', fields: { source: 'snap' } },
        { kind: 'chunk', chunk: ${JSON.stringify(chunk(0))} },
        { kind: 'chunk', chunk: ${JSON.stringify(chunk(1))} },
        { kind: 'done', hash: 'hhhhhhhh', chunks: 2 },
      ]) process.stdout.write(JSON.stringify(line) + '\\n');`,
    );
    const logs: unknown[] = [];
    const result = await collectThroughProbe(command, { log: (msg, fields) => logs.push({ msg, fields }) });
    expect(result).toEqual({ hash: 'hhhhhhhh', chunks: [chunk(0), chunk(1)] });
    expect(logs).toEqual([{ msg: 'source failed', fields: { source: 'snap' } }]);
  });

  it('fails with a reason when the probe dies, lies, hangs or cannot start', async () => {
    const failure = (command: { file: string; args: string[] }, timeoutMs?: number) =>
      collectThroughProbe(command, timeoutMs === undefined ? {} : { timeoutMs }).then(
        () => undefined,
        (error: ProbeError) => error.reason,
      );
    expect(await failure(script('dies.mjs', 'process.stderr.write("boom"); process.exit(3);'))).toBe('exit');
    expect(
      await failure(
        script('lies.mjs', 'console.log(JSON.stringify({ kind: "done", hash: "x", chunks: 1 }));'),
      ),
    ).toBe('protocol');
    expect(await failure(script('hangs.mjs', 'setInterval(() => {}, 1000);'), 500)).toBe('timeout');
    expect(await failure({ file: join(dir, 'no-such-binary'), args: [] })).toBe('spawn');
  });
});
