// Import cycles and layer directions, checked by `npm run lint` (docs/architecture.md, "Layers").
// Each rule names what may NOT be imported; everything else is allowed. Paths are relative to the
// repository root; `.js` specifiers resolve to the `.ts` sources through the packages' tsconfig.

/** Product code: a package's sources less its tests and test-only helpers. */
const TEST_ONLY = ['\\.test\\.ts$', '/test-support/', '/__fixtures__/', '^hub/src/incidents/testing\\.ts$'];

/**
 * Feature folders of the hub: each owns its logic, its SQL and its pages or routes. Not features:
 * config/, db/, repositories/, and security/ (ids, hashing, token buckets: primitives every layer uses).
 */
const HUB_FEATURES = [
  'access',
  'api',
  'artefacts',
  'cli',
  'cluster',
  'console',
  'enrolment',
  'identity',
  'incidents',
  'ingest',
  'inventory',
  'licences',
  'notify',
  'policies',
  'probes',
  'retention',
  'tenancy',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles in a package: a cycle means two modules are one module split badly, and ' +
        'one of them must ask for what it needs through an interface it is given instead.',
      from: { path: '^(hub|agent|shared)/src/' },
      to: { circular: true },
    },
    {
      name: 'engine-is-pure',
      severity: 'error',
      comment:
        'hub/src/incidents/engine holds the pure decisions: it imports @vigie/shared and itself, ' +
        'no database, socket, timer or other hub module.',
      from: { path: '^hub/src/incidents/engine/', pathNot: TEST_ONLY },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^hub/src/incidents/engine/', '^shared/src/'],
      },
    },
    {
      name: 'engine-imports-no-node-builtin',
      severity: 'error',
      comment: 'The engine takes time and randomness as parameters: no node: module either.',
      from: { path: '^hub/src/incidents/engine/', pathNot: TEST_ONLY },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'incidents-ask-probes-through-a-port',
      severity: 'error',
      comment:
        'Probes (a feature) raise signals through incidents; incidents never import probes back. ' +
        'What incidents need to know about devices upstream of a host comes through the `upstream` ' +
        'port of the IncidentRuntime (incidents/upstream.ts), wired where the runtime is built.',
      from: { path: '^hub/src/incidents/', pathNot: TEST_ONLY },
      to: { path: '^hub/src/probes/' },
    },
    {
      name: 'storage-imports-no-feature',
      severity: 'error',
      comment:
        'hub/src/repositories and hub/src/db are below the features: they are called by them and ' +
        'never call back up into a feature folder.',
      from: { path: '^hub/src/(repositories|db)/', pathNot: TEST_ONLY },
      to: { path: `^hub/src/(${HUB_FEATURES.join('|')})/` },
    },
    {
      name: 'routes-only-from-api',
      severity: 'error',
      comment:
        'Route files are the HTTP edge: only hub/src/api mounts them. Logic other features need ' +
        '(console pages, CLI) lives in a service they both call.',
      from: { path: '^hub/src/', pathNot: ['^hub/src/api/', ...TEST_ONLY] },
      to: { path: '^hub/src/api/routes/' },
    },
    {
      name: 'migrations-are-frozen',
      severity: 'error',
      comment:
        'A migration is frozen in time: Kysely<any> and the migrations folder only, never live ' +
        'hub code whose later changes would change what an old migration does.',
      from: { path: '^hub/src/db/migrations/' },
      to: { path: '^hub/src/', pathNot: '^hub/src/db/migrations/' },
    },
    {
      name: 'product-imports-no-test-code',
      severity: 'error',
      comment: 'Test helpers and tests are not built into dist/: product code cannot import them.',
      from: { path: '^(hub|agent|shared)/src/', pathNot: TEST_ONLY },
      to: { path: TEST_ONLY },
    },
    {
      name: 'packages-through-exports',
      severity: 'error',
      comment:
        'A package is imported by its name and `exports` (@vigie/shared, …), never by a relative ' +
        'path into another package (../../shared/src/…).',
      from: { path: '^(shared|agent|hub|test)/' },
      to: {
        path: '^(shared|agent|hub|test)/',
        pathNot: '^$1/',
        // An import through the package name resolves (via the @vigie/source condition) to src/
        // as well; only relative specifiers ('local') are the shortcut this rule is about.
        dependencyTypes: ['local'],
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file is a typo or a module left behind by a move.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)dist-bundle/', '(^|/)node_modules/'] },
    // TypeScript 7 has no compiler API for dependency-cruiser to parse with: swc parses the sources
    // instead, and it keeps type-only imports (a type import is a dependency for the layers too).
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // The @vigie/source condition resolves @vigie/* to their TypeScript sources, as in tests.
      conditionNames: ['@vigie/source', 'import', 'types', 'node', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
