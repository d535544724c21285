import type { TensorData } from '../src/preprocess/to-tensor.js';
import { RunBatcher } from '../src/scorer/run-batcher.js';

/** A fake network: output i = first value of batch row i, so every caller can check it got its own rows. */
function recorder() {
  const runs: number[][] = [];
  const run = async (t: TensorData) => {
    runs.push(t.dims);
    const rows = t.dims[0]!;
    const size = t.data.length / rows;
    return Float32Array.from({ length: rows }, (_, i) => t.data[i * size]!);
  };
  return { runs, run };
}

const tensor = (id: number, rows: number, side = 2): TensorData => ({
  data: Float32Array.from({ length: rows * 3 * side * side }, (_, i) => id * 100 + Math.floor(i / (3 * side * side))),
  dims: [rows, 3, side, side],
});

test('overlapping calls of one shape merge within maxImages and maxItems; each gets its own rows', async () => {
  const { runs, run } = recorder();
  const b = new RunBatcher(run, { maxImages: 8, maxItems: 8, defer: setImmediate });
  const out = await Promise.all([1, 2, 3, 4].map((id) => b.run(tensor(id, 3))));
  out.forEach((o, k) => {
    expect(Array.from(o)).toEqual([0, 1, 2].map((r) => (k + 1) * 100 + r));
  });
  expect(runs).toEqual([
    [6, 3, 2, 2],
    [6, 3, 2, 2],
  ]); // 3 + 3 rows fit in 8, a third image would not
  expect(b.stats).toEqual({ runs: 2, images: 4 });
});

test('an image at the item cap runs alone; other shapes wait for their own run', async () => {
  const { runs, run } = recorder();
  const b = new RunBatcher(run, { maxImages: 8, maxItems: 4, defer: setImmediate });
  await Promise.all([b.run(tensor(1, 4)), b.run(tensor(2, 4)), b.run(tensor(3, 1, 5)), b.run(tensor(4, 1, 5))]);
  expect(runs).toEqual([
    [4, 3, 2, 2],
    [4, 3, 2, 2],
    [2, 3, 5, 5],
  ]);
});

test('a failing run rejects only the callers in that run', async () => {
  let calls = 0;
  const b = new RunBatcher(
    async (t) => {
      if (calls++ === 0) throw new Error('boom');
      return new Float32Array(t.dims[0]!);
    },
    { maxImages: 1, maxItems: 32 },
  );
  const [a, c] = await Promise.allSettled([b.run(tensor(1, 2)), b.run(tensor(2, 2))]);
  expect(a.status).toBe('rejected');
  expect(c.status).toBe('fulfilled');
  expect(() => new RunBatcher(async () => new Float32Array(), { maxImages: 0 })).toThrow(
    'Expected a positive integer for maxBatch but received 0',
  );
  expect(() => new RunBatcher(async () => new Float32Array(), { maxItems: 1.5 })).toThrow(
    'Expected a positive integer for maxBatchItems but received 1.5',
  );
});

test('by default runs are serialised, one image each, never two at once (sessions refuse overlaps)', async () => {
  let inFlight = 0;
  let most = 0;
  const dims: number[][] = [];
  const b = new RunBatcher(async (t) => {
    inFlight++;
    most = Math.max(most, inFlight);
    dims.push(t.dims);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return Float32Array.from({ length: t.dims[0]! }, () => t.data[0]!);
  });
  const out = await Promise.all([1, 2, 3].map((id) => b.run(tensor(id, 2))));
  expect(out.map((o) => Array.from(o))).toEqual([
    [100, 100],
    [200, 200],
    [300, 300],
  ]);
  expect({ most, dims, stats: b.stats }).toEqual({
    most: 1,
    dims: [
      [2, 3, 2, 2],
      [2, 3, 2, 2],
      [2, 3, 2, 2],
    ],
    stats: { runs: 3, images: 3 },
  });
});

test('a run returning the wrong number of outputs rejects its callers with INTERNAL', async () => {
  const b = new RunBatcher(async () => new Float32Array(1));
  await expect(b.run(tensor(1, 3))).rejects.toMatchObject({
    code: 'INTERNAL',
    message: 'Expected 3 network outputs (one per batch item) but received 1',
  });
});
