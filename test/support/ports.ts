import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A loopback port free at this moment, for a private server a test starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on the loopback port. */
export const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** Waits (15 s at most) until `child` listens on `port`; throws with its log when it exits or never does. */
export async function waitForPort(port: number, child: ChildProcess, what: string, log: () => string) {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) break;
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start on port ${port}:\n${log()}`);
}
