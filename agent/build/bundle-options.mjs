// esbuild options shared by the single-file bundle (bundle.mjs) and the single executable (sea.mjs).

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

/** Node 20, every dependency inlined. */
export const COMMON_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Resolve @vigie/shared to its TypeScript sources: the bundle does not wait for tsc.
  conditions: ['@vigie/source'],
  plugins: [optionalModulesAbsent],
  legalComments: 'none',
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: 'warning',
};
