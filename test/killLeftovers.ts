// After each test file: the CLI processes a test started and did not see end (it failed before
// stopping them) are killed, so that no test run leaves a `logs -f` or a `run` behind.
import { afterAll } from 'vitest';
import { killSpawned } from './helpers/cli.js';

afterAll(killSpawned);
