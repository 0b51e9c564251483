import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest's global set-up: the CLI tests run bin/tierdesk, which compiles the server first when its
 * sources are newer than dist/. Compiled here once, before any test, so that no test races the
 * build or finds the compiler's line in the output it checks.
 */
export default function compileServer() {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../bin/build-server.mjs', import.meta.url))], { stdio: 'inherit' });
}
