/**
 * tfjs wasm with several XNNPACK threads in Node (`node-wasm-threads.ts`). Threads are fixed when wasm
 * first starts in a process, so each count runs in a fresh `node` on the built package (`npm run build`,
 * which `npm ci` runs). Each child leaves by itself: the idle pthread workers must not keep it alive.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MAX_WASM_THREADS, startThreadedWasm } from '../../src/backend/index.js';

const run = promisify(execFile);
const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BUILT = path.join(REPO, 'packages/train/dist/index.js');

/** A convolution (stride 1 and 2) and its two gradients, large enough for XNNPACK to split the work. */
const CHILD = `
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { initTfBackend } from '@iqa-zoo/train';
tf.env().set('PROD', true);
const info = await initTfBackend({ backend: 'wasm', threads: Number(process.argv[1]) });
const x = tf.randomUniform([16, 24, 24, 32], 0, 1, 'float32', 1);
const w = tf.randomNormal([3, 3, 32, 48], 0, 0.1, 'float32', 2);
const f = (a, b) => tf.conv2d(a, b, 1, 'same').relu().square().sum();
const [dx, dw] = tf.grads(f)([x, w]);
const y = tf.conv2d(x, w, 2, 'same');
const hash = createHash('sha256');
for (const t of [y, dx, dw]) hash.update(Buffer.from(t.dataSync().buffer));
console.log(JSON.stringify({ reason: info.reason, hash: hash.digest('hex'), sum: dw.sum().dataSync()[0] }));
`;

async function child(threads: number): Promise<{ reason: string; hash: string; sum: number }> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD, String(threads)], {
    cwd: REPO,
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('wasm threads in Node', () => {
  beforeAll(() => {
    if (!existsSync(BUILT)) throw new Error(`Expected the built package at ${BUILT}: run npm run build`);
  });

  test('2 and 3 threads start, give the results of 1 bitwise, and let the process exit', async () => {
    const one = await child(1);
    expect(one.reason).toMatch(/wasm: started \(SIMD, 1 thread, /);
    expect(Number.isFinite(one.sum) && one.sum !== 0).toBe(true);
    for (const n of [2, 3]) {
      const many = await child(n);
      expect(many.reason).toMatch(new RegExp(`wasm: started \\(SIMD, ${n} threads, 4 gradient kernels`));
      expect(many.hash).toBe(one.hash);
    }
  }, 300_000);

  test('a thread count outside 1 to 8 is a RangeError naming the value', async () => {
    expect(MAX_WASM_THREADS).toBe(8);
    await expect(startThreadedWasm(0)).rejects.toThrow(
      'Expected an integer from 1 to 8 for wasm threads but received 0',
    );
    await expect(startThreadedWasm(2.5)).rejects.toThrow(RangeError);
  });
});
