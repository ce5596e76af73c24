// esbuild options shared by the single-file bundle (bundle.mjs) and the single executable (sea.mjs).
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Optional native speed-ups that ws and systeminformation require() inside try/catch; absent, they
// fall back to plain JavaScript. Resolving them to a module that throws keeps that fallback without
// a runtime require() of a missing file (which a single executable warns about on every start).
const OPTIONAL = ['bufferutil', 'utf-8-validate', 'osx-temperature-sensor', 'macos-temperature-sensor'];
const optionalModulesAbsent = {
  name: 'optional-modules-absent',
  setup(build) {
    const filter = new RegExp(`^(${OPTIONAL.join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'absent' }));
    build.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not bundled`)});`,
      loader: 'js',
    }));
  },
};

// zod re-exports its 40-odd translations of error messages (`z.locales`, ~300 KB of source) from
// its namespace, so they land in the bundle whatever the agent imports; V8 keeps a bundle's whole
// source in memory while it runs. The agent reports in English (zod's default, en.js, which zod's
// schemas import themselves): the locales' index is replaced with an empty module.
const zodLocalesAbsent = {
  name: 'zod-locales-absent',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.c?js$/ }, () => ({
      contents: 'export {};',
      loader: 'js',
    }));
  },
};

// The agent's and @vigie/shared's `import { z } from 'zod'` get a stand-in that loads zod and builds
// a schema at its first use (decision 0039): the agent's steady cycle checks what it reads by hand
// and never uses one, so neither zod's code nor the protocol's ~1 200 schema objects stay resident.
// The stand-in itself reaches zod through require(), which esbuild bundles as a module initialised
// on the first call (zod's CommonJS build; the locales' stub above covers it too).
const ZOD_ON_DEMAND = fileURLToPath(new URL('./zod-on-demand.mjs', import.meta.url));
const zodOnDemand = {
  name: 'zod-on-demand',
  setup(build) {
    build.onResolve({ filter: /^zod$/ }, (args) =>
      args.importer === ZOD_ON_DEMAND || args.importer.includes(`${sep}node_modules${sep}`)
        ? undefined
        : { path: ZOD_ON_DEMAND },
    );
  },
};

/**
 * The CLI as a CommonJS program, for the single-file build (bundle.mjs) and the single executable
 * (sea.mjs). CommonJS has no top-level await: the CLI starts from a promise instead of main.ts.
 * node-cron reads import.meta.url at load time; `metaUrl` is the JavaScript that stands for it.
 */
export function commonJsEntry(agentDir, metaUrl) {
  return {
    stdin: {
      contents:
        "import { runProcess } from './src/cli/process-main.ts';\n" +
        'runProcess().then((code) => { process.exitCode = code; });\n',
      resolveDir: agentDir,
      loader: 'ts',
    },
    format: 'cjs',
    define: { 'import.meta.url': '__vigieMetaUrl' },
    banner: { js: `const __vigieMetaUrl = ${metaUrl};` },
  };
}

/** Node 20, every dependency inlined. */
export const COMMON_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Resolve @vigie/shared to its TypeScript sources: the bundle does not wait for tsc.
  conditions: ['@vigie/source'],
  plugins: [optionalModulesAbsent, zodLocalesAbsent, zodOnDemand],
  legalComments: 'none',
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: 'warning',
};
