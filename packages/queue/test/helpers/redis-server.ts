/** A throwaway Debian `redis-server` on 127.0.0.1 for queue tests (no persistence). */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Whether `redis-server` is on PATH (`.ci/run` installs Debian's package). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/**
 * `describe` where redis-server is on PATH; elsewhere a visible skip whose title says why.
 *
 * @example
 * describeWithRedis('workers on a queue', () => { ... });
 */
export function describeWithRedis(title: string, body: () => void): void {
  if (hasRedisServer()) describe(title, body);
  else describe.skip(`${title} [skipped: redis-server is not on PATH; .ci/run installs it]`, body);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts redis-server on a free loopback port; resolves once it accepts connections. */
export async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`Expected redis-server to start on port ${port} but it exited with ${code}: ${log}`)),
    );
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
