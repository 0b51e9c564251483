// What bin/tierdesk runs: the compiled server (dist/main.js), compiled first when stale. One plain
// Node process: no TypeScript loader in memory.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileIfStale, root } from './build-server.mjs';

await compileIfStale();
await import(pathToFileURL(path.join(root, 'dist/main.js')).href);
