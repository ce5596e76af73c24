#!/usr/bin/env node
// Fails when a product .ts file is longer than MAX_LINES without saying why. A long file is allowed
// when one of its first lines is a comment `// long-file: <reason>` (e.g. a translation table, one
// cohesive state machine); the reason is for the reader deciding whether to split it.
// Not counted: tests (*.test.ts), test helpers (test-support/, incidents/testing.ts), migrations
// (frozen in time) and fixtures. Run by `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_LINES = 300;
/** How far down the `// long-file:` line may be (after a shebang or the imports' first lines). */
const HEADER_LINES = 5;
const ROOTS = ['shared/src', 'agent/src', 'hub/src'];
const NOT_PRODUCT = [
  /\.test\.ts$/,
  /\.d\.ts$/,
  /(^|\/)test-support\//,
  /(^|\/)__fixtures__\//,
  /(^|\/)fixtures\//,
  /(^|\/)migrations\//,
  /^hub\/src\/incidents\/testing\.ts$/,
];

const root = join(fileURLToPath(import.meta.url), '..', '..');

function* tsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

const offenders = [];
for (const dir of ROOTS) {
  for (const path of tsFiles(join(root, dir))) {
    const name = relative(root, path).split(sep).join('/');
    if (NOT_PRODUCT.some((pattern) => pattern.test(name))) continue;
    const lines = readFileSync(path, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length <= MAX_LINES) continue;
    const reasoned = lines.slice(0, HEADER_LINES).some((line) => /^\/\/ long-file: \S/.test(line));
    if (!reasoned) offenders.push(`${name}: ${lines.length} lines`);
  }
}

if (offenders.length > 0) {
  console.error(
    `${offenders.length} product file(s) over ${MAX_LINES} lines: split them, or put a one-line ` +
      `\`// long-file: <reason>\` comment in their first ${HEADER_LINES} lines.\n  ${offenders.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`✔ no product .ts file over ${MAX_LINES} lines without a \`// long-file:\` reason`);
