// A module-loading hook (node --import) that appends every module URL the process loads to the file
// named by RECORD_MODULES_TO: how test/simulator-isolation.test.ts sees what a subgraph loaded.
import { register } from 'node:module';

register('./module-recorder-hooks.mjs', import.meta.url, { data: { file: process.env.RECORD_MODULES_TO } });
