import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { isIqaError } from '@iqa-zoo/core';
import { createTaskRunner, runReferenceTask, type ReferenceTask } from '@iqa-zoo/train';
import { cloudy } from './fixtures.js';

// Jest runs the TypeScript sources, so the worker script is bundled first (under node_modules so
// that sharp and the codec resolve from it).
const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const outfile = join(root, 'node_modules/.cache/iqa-zoo-test/distort-worker.mjs');

beforeAll(async () => {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(root, 'packages/train/src/dataset/distort-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    external: ['sharp', '@cornerstonejs/*'],
    alias: { '@iqa-zoo/core': join(root, 'packages/core/src/index.ts') },
    logLevel: 'silent',
  });
});

describe('the worker pool', () => {
  it('gives the same bytes as running inline, in task order', async () => {
    const tasks: ReferenceTask[] = [1, 2, 3].map((s) => ({
      source: cloudy(64 + 8 * s, s),
      groups: [
        { type: 'tid01-awgn', levels: [1, 4], seed: s, crop: { size: 40, seed: s }, includeReference: true },
        { type: 'jp2k', levels: [2], seed: s },
      ],
    }));
    const runner = createTaskRunner({ workers: 2, workerUrl: pathToFileURL(outfile) });
    try {
      expect(runner.workers).toBe(2);
      const pooled = await Promise.all(tasks.map((t) => runner.run(t)));
      const inline = await Promise.all(tasks.map((t) => runReferenceTask(t)));
      expect(pooled.map((r) => r.width)).toEqual([72, 80, 88]);
      pooled.forEach((r, i) => {
        r.groups.forEach((g, j) => {
          g.images.forEach((img, k) => {
            expect(Buffer.from(img).equals(Buffer.from(inline[i]!.groups[j]!.images[k]!))).toBe(true);
          });
        });
      });
    } finally {
      await runner.close();
    }
  });

  it("passes a task's error back as a typed error and keeps working", async () => {
    const runner = createTaskRunner({ workers: 1, workerUrl: pathToFileURL(outfile) });
    try {
      const err = await runner
        .run({ source: '/nonexistent/ref.png', groups: [{ type: 'wn', levels: [1], seed: 0 }] })
        .catch((e: unknown) => e);
      expect(isIqaError(err, 'INVALID_IMAGE')).toBe(true);
      await expect(
        runner.run({ source: cloudy(32, 1), groups: [{ type: 'gblur', levels: [9], seed: 0 }] }),
      ).rejects.toThrow(RangeError);
      const ok = await runner.run({ source: cloudy(32, 1), groups: [{ type: 'gblur', levels: [1], seed: 0 }] });
      expect(ok.groups[0]!.images[0]!.length).toBe(32 * 32 * 3);
    } finally {
      await runner.close();
    }
  });

  it('runs inline when asked for no workers', () => {
    expect(createTaskRunner({ workers: 0 }).workers).toBe(0);
    expect(() => createTaskRunner({ workers: -1 })).toThrow(RangeError);
  });
});
