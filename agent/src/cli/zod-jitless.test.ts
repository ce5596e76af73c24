import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('zod-jitless', () => {
  it('turns zod compiled parsers off', async () => {
    await import('./zod-jitless.js');
    expect(z.config().jitless).toBe(true);
  });

  it('is the first module process-main.ts imports, before any schema is built', () => {
    const source = readFileSync(join(import.meta.dirname, 'process-main.ts'), 'utf8');
    const firstImport = source.split('\n').find((line) => line.startsWith('import '));
    expect(firstImport).toBe("import './zod-jitless.js';");
  });
});
