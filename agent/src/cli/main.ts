import { runProcess } from './process-main.js';

// Entry point of bin/vigie-agent.js and of the single-file build.

process.exitCode = await runProcess();
