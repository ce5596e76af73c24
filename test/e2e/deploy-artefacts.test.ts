import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUNDLE = join(root, 'agent', 'dist-bundle', 'vigie-agent.cjs');
// The same build as an ES module, for agents installed before decision 0043.
const MODULE_BUNDLE = join(root, 'agent', 'dist-bundle', 'vigie-agent.mjs');
const { version } = JSON.parse(readFileSync(join(root, 'agent', 'package.json'), 'utf8')) as {
  version: string;
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-artefact-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the agent as an artefact', () => {
  it.each([BUNDLE, MODULE_BUNDLE])(
    'runs as a single file with no node_modules anywhere near it (%s)',
    async (bundle) => {
      const copy = join(dir, basename(bundle));
      copyFileSync(bundle, copy);
      const options = { cwd: dir, env: { PATH: process.env.PATH ?? '' } };
      expect((await run(process.execPath, [copy, '--version'], options)).stdout).toBe(`${version}\n`);
      const status = await run(
        process.execPath,
        [copy, 'status', '--state-dir', join(dir, 'state'), '--json'],
        options,
      ).then(
        ({ stdout }) => stdout,
        (error: { code: number; stdout: string }) =>
          error.code === 1 ? error.stdout : Promise.reject(error),
      );
      expect(JSON.parse(status)).toMatchObject({ enrolled: false, stateDir: join(dir, 'state') });
    },
  );

  it('carries what the running agent needs of zod and no more (issue 19: V8 keeps the source resident)', () => {
    const source = readFileSync(BUNDLE, 'latin1');
    // English messages only (bundle-options.mjs leaves z.locales out; en.js stays).
    expect(source).toMatch(/Invalid input: expected/);
    expect(source).not.toMatch(/Ung(\\xFC|\u00fc)ltige Eingabe/);
    // zod-jitless.ts runs before the protocol's first schema is built.
    const jitless = source.indexOf('jitless:!0');
    expect(jitless).toBeGreaterThan(0);
    expect(jitless).toBeLessThan(source.search(/\bsampleSchema=/));
    // @vigie/shared's modules the agent never imports stay out (sideEffects: false).
    expect(source).not.toMatch(/\bweeklyHoursSchema=/);
  });

  it('starts without the Node modules only rare paths need (issue 19: each stays resident)', async () => {
    const preload = join(dir, 'modules.cjs');
    writeFileSync(
      preload,
      "process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList)));\n",
    );
    const { stderr } = await run(process.execPath, ['--require', preload, BUNDLE, '--version']);
    const loaded = JSON.parse(stderr) as string[];
    expect(loaded).toContain('NativeModule child_process');
    // pino's transports (worker_threads) and sonic-boom (assert); the dns probe's resolver;
    // fs/promises with its FileHandle and readline (the agent's file calls: runtime/fs-async.ts).
    for (const absent of ['worker_threads', 'assert', 'dns/promises', 'fs/promises', 'internal/fs/promises'])
      expect(loaded).not.toContain(`NativeModule ${absent}`);
    // Nor the part of Node's ES module loader a .mjs entry keeps resident (~0.7 MiB, decision 0043).
    for (const absent of ['module_job', 'translators', 'resolve', 'load'])
      expect(loaded).not.toContain(`NativeModule internal/modules/esm/${absent}`);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'builds a linux-x64 single executable that runs --version and --help without node',
    async () => {
      const binary = join(dir, 'vigie-agent-linux-x64');
      await run(process.execPath, [join(root, 'agent', 'build', 'sea.mjs')], {
        env: { ...process.env, VIGIE_SEA_OUT: binary },
      });
      const env = { PATH: '/nonexistent' };
      expect((await run(binary, ['--version'], { cwd: dir, env })).stdout).toBe(`${version}\n`);
      const help = await run(binary, ['--help'], { cwd: dir, env });
      expect(help.stdout).toMatch(/vigie-agent install --hub URL --token TOKEN/);
      expect(help.stderr).toBe('');
      const status = await run(binary, ['status', '--state-dir', join(dir, 'state'), '--json'], {
        cwd: dir,
        env,
      }).then(
        ({ stdout }) => stdout,
        (error: { code: number; stdout: string }) =>
          error.code === 1 ? error.stdout : Promise.reject(error),
      );
      expect(JSON.parse(status)).toMatchObject({ enrolled: false });
    },
    60_000,
  );
});
