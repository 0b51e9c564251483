import { spawn } from 'node:child_process';
import path from 'node:path';

const cli = path.resolve(__dirname, '../../bin/tierdesk');

/**
 * Runs the real CLI (bin/tierdesk) to its end with these variables over the test's environment
 * (its own database variables cleared), and gives its exit code and output.
 */
export function runCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cli, args, { env: { ...process.env, LOG_LEVEL: 'warn', TEST_DATABASE_URL: '', DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
