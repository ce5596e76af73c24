// What `zod` resolves to in the bundle for the agent's and @vigie/shared's modules (bundle-options.mjs):
// zod loaded and each schema built at its first use (src/zod/on-demand.ts, decision 0039). The
// require() is bundled by esbuild as a lazily initialised module: zod's own code runs only then.
import { createOnDemandZod } from '../src/zod/on-demand.ts';

export const z = createOnDemandZod(() => require('zod').z);
