import { z } from 'zod';

// Imported first by process-main.ts, before any module that builds a schema: zod 4 reads this
// setting when a schema is built, and without it compiles a parser with `new Function` for every
// object schema the agent parses (the sample, the spool's records, config, credentials). Compiled
// parsers are faster, but the agent parses one sample every 10 s and keeps every compiled parser
// for its lifetime; issue 19's memory goal counts that code. The hub, which parses thousands of
// messages a second, keeps zod's default.
z.config({ jitless: true });
