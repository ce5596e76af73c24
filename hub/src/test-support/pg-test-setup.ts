import { afterEach } from 'vitest';
import { releaseTestDatabases } from './test-database.js';

// Setup file of the hub-pg project: a test's databases go back to the pool when it ends.
afterEach(releaseTestDatabases);
