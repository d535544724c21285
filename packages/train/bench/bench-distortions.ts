/**
 * Benchmark of the distortion generator (issue 4).
 *
 *   npx esbuild packages/train/bench/bench-distortions.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/bench-distortions.mjs \
 *   && node node_modules/.cache/bench-distortions.mjs [--refs DIR] [--out DIR] [--images N] [--types a,b]
 *        [--skip-types] [--skip-live] [--verify K] [--stream N]
 *
 * Needs the built package (`npx tsc -b packages/train`), so the worker pool finds its script.
 * 1. images per second of every type on 500x500 crops of references (one thread, all levels,
 *    per-image work shared between the levels as the generator does);
 * 2. the whole LIVE set over DIR (default the data folder's pristine/: $IQA_ZOO_DATA, else ./data)
 *    written by `iqa distort` into OUT (default /tmp/rank) with one worker per core;
 * 2b. the training stream: --stream N batches (default 12) of rankingBatches (LIVE, 4 references x
 *    1 type x 6 images, 224 crops) inline and with 1 and 2 worker threads;
 * 3. a check of what was written: for every --verify'th reference (default 5), PSNR of each image
 *    against its reference, and whether it strictly falls with the level in every group.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import {
  DISTORTIONS,
  dataFolder,
  distortCommand,
  distortLevels,
  listReferences,
  psnr,
  rankingBatches,
  type RgbImage,
} from '@iqa-zoo/train';

const { values } = parseArgs({
  options: {
    refs: { type: 'string', default: join(dataFolder().dir, 'pristine') },
    out: { type: 'string', default: '/tmp/rank' },
    images: { type: 'string', default: '3' },
    'skip-live': { type: 'boolean', default: false },
    'skip-types': { type: 'boolean', default: false },
    verify: { type: 'string', default: '5' },
    stream: { type: 'string', default: '12' },
    types: { type: 'string' },
  },
});

async function crops500(dir: string, n: number): Promise<RgbImage[]> {
  const out: RgbImage[] = [];
  for (const f of await listReferences(dir)) {
    const m = await sharp(f).metadata();
    if ((m.width ?? 0) < 500 || (m.height ?? 0) < 500) continue;
    const { data, info } = await sharp(f)
      .rotate()
      .resize(500, 500, { fit: 'cover' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    out.push({ data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 });
    if (out.length === n) break;
  }
  return out;
}

async function perType(): Promise<void> {
  const images = await crops500(values.refs!, Number(values.images));
  console.log(`\n## per type, ${images.length} images of 500x500, one thread\n`);
  console.log('| type | levels | images/s | ms/image | PSNR by level (dB, mean) |');
  console.log('|---|---|---|---|---|');
  const types = values.types ? values.types.split(',') : Object.keys(DISTORTIONS);
  for (const t of types) {
    const levels = DISTORTIONS[t]!.values.length;
    const psnrs = new Array<number>(levels).fill(0);
    const t0 = performance.now();
    for (const [i, img] of images.entries()) {
      const outs = await distortLevels(img, t, { seed: i });
      outs.forEach((o, l) => {
        psnrs[l]! += psnr(img, o) / images.length;
      });
    }
    const secs = (performance.now() - t0) / 1000;
    const n = images.length * levels;
    console.log(
      `| ${t} | ${levels} | ${(n / secs).toFixed(1)} | ${((secs * 1000) / n).toFixed(0)} | ` +
        `${psnrs.map((p) => p.toFixed(1)).join(' / ')} |`,
    );
  }
}

async function liveSet(): Promise<void> {
  console.log(`\n## LIVE set over ${values.refs} -> ${values.out}\n`);
  const t0 = performance.now();
  const code = await distortCommand(['--refs', values.refs!, '--out', values.out!, '--set', 'live']);
  const secs = (performance.now() - t0) / 1000;
  const refs = (await listReferences(values.refs!)).length;
  console.log(
    `exit ${code}; ${refs} references x 20 images in ${secs.toFixed(0)} s = ${((refs * 20) / secs).toFixed(1)} ` +
      `images/s (${availableParallelism()} workers)`,
  );
}

async function stream(): Promise<void> {
  const refs = await listReferences(values.refs!);
  const n = Number(values.stream);
  const busyMs = 1000;
  console.log(`\n## rankingBatches: ${n} batches of 4 references x 1 LIVE type x 6 images, 224 crops\n`);
  console.log(
    `Alone: only the stream. With a trainer: the loop also spends ${busyMs} ms of synchronous CPU per batch on the ` +
      `main thread, as a tfjs training step does.\n`,
  );
  console.log('| workers | alone: batches/s | alone: images/s | with a trainer: s/batch |');
  console.log('|---|---|---|---|');
  const run = async (workers: number, busy: number): Promise<{ secs: number; images: number }> => {
    const t0 = performance.now();
    let images = 0;
    for await (const b of rankingBatches({
      refs: refs.slice(0, 500),
      set: 'live',
      refsPerBatch: 4,
      crop: 224,
      seed: 1,
      workers,
    })) {
      images += b.images.length;
      const until = performance.now() + busy;
      while (performance.now() < until); // stand-in for a training step
      if (b.index === n - 1) break;
    }
    return { secs: (performance.now() - t0) / 1000, images };
  };
  for (const workers of [0, 1, 2]) {
    const alone = await run(workers, 0);
    const trained = await run(workers, busyMs);
    console.log(
      `| ${workers} | ${(n / alone.secs).toFixed(2)} | ${(alone.images / alone.secs).toFixed(1)} | ` +
        `${(trained.secs / n).toFixed(2)} |`,
    );
  }
}

console.log(
  `# bench-distortions: node ${process.version}, ${cpus()[0]?.model ?? '?'} x ${availableParallelism()}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
if (!values['skip-types']) await perType();
if (Number(values.stream) > 0) await stream();
if (!values['skip-live']) await liveSet();

// 3. verify the written set
const every = Number(values.verify);
if (every > 0) {
  const rows = (await readFile(join(values.out!, 'manifest.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const refNames = [...new Set(rows.map((r) => r[1]!))].filter((_, i) => i % every === 0);
  const stats = new Map<string, number[][]>(); // type -> per level: PSNRs
  let groups = 0;
  let ordered = 0;
  const raw = async (f: string): Promise<RgbImage> => {
    const { data, info } = await sharp(f).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
  };
  for (const name of refNames) {
    const ref = await raw(join(values.refs!, name));
    const mine = rows.filter((r) => r[1] === name);
    for (const type of [...new Set(mine.map((r) => r[2]!))]) {
      const levels = mine.filter((r) => r[2] === type).sort((a, b) => Number(a[3]) - Number(b[3]));
      const ps: number[] = [];
      for (const r of levels) ps.push(psnr(ref, await raw(join(values.out!, r[0]!))));
      const per = stats.get(type) ?? levels.map(() => []);
      ps.forEach((p, i) => {
        per[i]!.push(p);
      });
      stats.set(type, per);
      groups++;
      if (ps.every((p, i) => i === 0 || p < ps[i - 1]!)) ordered++;
      else console.log(`not strictly ordered: ${name} ${type}: ${ps.map((p) => p.toFixed(2)).join(' / ')}`);
    }
  }
  console.log(`\n## check of ${values.out}: ${refNames.length} references (every ${every}th)\n`);
  console.log('| type | mean PSNR by level (dB) |');
  console.log('|---|---|');
  for (const [type, per] of stats)
    console.log(`| ${type} | ${per.map((p) => (p.reduce((a, b) => a + b, 0) / p.length).toFixed(1)).join(' / ')} |`);
  console.log(`\nPSNR strictly falls with the level in ${ordered} of ${groups} (reference, type) groups`);
}
