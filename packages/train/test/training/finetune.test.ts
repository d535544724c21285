import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../src/io/model-files.js';
import type { FinetuneConfig } from '../../src/training/config.js';
import { readAverage, readCheckpointState, saveCheckpoint } from '../../src/training/checkpoint.js';
import { foldIntoScoreLayer } from '../../src/training/score-refit.js';
import { runFinetune } from '../../src/training/stage-finetune.js';
import { makeMosDataset } from './helpers.js';

let data: { dir: string; csv: string };
let work: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await makeMosDataset(12);
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-ft-'));
});

function config(out: string, over: Partial<FinetuneConfig> = {}): FinetuneConfig {
  return {
    stage: 'finetune',
    network: 'vgg-tiny-ml',
    head: { pooling: ['avg', 'std'], hidden: 0, dropout: 0.25, seed: 3 },
    mos: data.csv,
    valFraction: 0.25,
    splitSeed: 1,
    cropSize: 32,
    cropsPerImage: 2,
    test: { count: 2, seed: 0 },
    loss: 'l2',
    epochs: 4,
    batchSize: 8,
    learningRate: 0.01,
    weightDecay: 1e-4,
    seed: 5,
    cache: path.join(work, 'cache'),
    out: path.join(work, out),
    ...over,
  };
}

async function weightsOf(dir: string): Promise<Float32Array[]> {
  const m = await loadModel(dir);
  const w = m.getWeights().map((t) => t.dataSync() as Float32Array);
  m.dispose();
  return w;
}

/** The two runs' last checkpoints hold bit-identical weights. */
async function expectSameWeights(runA: string, runB: string): Promise<void> {
  const a = await weightsOf(path.join(work, runA, 'last'));
  const b = await weightsOf(path.join(work, runB, 'last'));
  expect(b.length).toBe(a.length);
  a.forEach((w, i) => {
    expect(Array.from(b[i]!)).toEqual(Array.from(w));
  });
}

describe('runFinetune', () => {
  it('lowers the training loss and keeps the best epoch by validation SRCC', async () => {
    const result = await runFinetune(config('plain', { epochs: 6 }));
    expect(result.split).toMatchObject({ train: 9, val: 3 });
    const log = (await fs.readFile(path.join(work, 'plain', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log).toHaveLength(6);
    expect(log[5].loss).toBeLessThan(log[0].loss);
    const best = await readCheckpointState<{ bestEpoch: number; best: { srcc: number } }>(
      path.join(work, 'plain', 'best'),
    );
    expect(best.best.srcc).toBe(Math.max(...log.map((l) => l.srcc)));
  });

  it(
    'validates on the fold valFold names: four runs with valFraction 0.25 validate every image once, and the card ' +
      'says which fold',
    async () => {
      const valImages = async (run: string) =>
        (await fs.readFile(path.join(work, run, 'val.csv'), 'utf8'))
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')[0]!);
      const seen: string[] = [...(await valImages('plain'))];
      for (const fold of [1, 2, 3]) {
        const result = await runFinetune(config(`fold-${fold}`, { epochs: 1, valFold: fold }));
        expect(result.split).toMatchObject({ train: 9, val: 3 });
        seen.push(...(await valImages(`fold-${fold}`)));
      }
      expect(new Set(seen).size).toBe(12);
      const card = JSON.parse(await fs.readFile(path.join(work, 'fold-2', 'best', 'card.json'), 'utf8'));
      expect(card.metrics[0].split).toMatch(/^validation \(25% by image, split seed 1, fold 2;/);
    },
  );

  it('adds the MOS ranking hinge to the loss when asked, and the card says so', async () => {
    await runFinetune(config('plain-3', { epochs: 1 }));
    await runFinetune(config('ranked-mos', { epochs: 1, mosRanking: { weight: 1, margin: 0.5, minGap: 0 } }));
    const first = async (run: string) =>
      JSON.parse((await fs.readFile(path.join(work, run, 'log.jsonl'), 'utf8')).split('\n')[0]!);
    // Same seed, same batches: the ranking run's loss is the plain loss plus a positive hinge.
    expect((await first('ranked-mos')).loss).toBeGreaterThan((await first('plain-3')).loss);
    const card = JSON.parse(await fs.readFile(path.join(work, 'ranked-mos', 'best', 'card.json'), 'utf8'));
    expect(card.training.stages.at(-1).description).toMatch(/^L2 \+ 1 x ranking hinge \(margin 0.5\)/);
  });

  it("regresses each image's mean crop score on its MOS when the loss is on images, and the card says so", async () => {
    // One batch of every training row, no dropout, no learning: both runs score the same, so the
    // loss on images (each image's mean crop score against its MOS) is below the mean loss of its crops.
    const still: Partial<FinetuneConfig> = {
      epochs: 1,
      batchSize: 64,
      learningRate: 0,
      head: { pooling: ['avg', 'std'], hidden: 0, dropout: 0, seed: 3 },
    };
    await runFinetune(config('crop-loss', still));
    await runFinetune(config('image-loss', { ...still, imageLoss: { crops: 2 } }));
    const first = async (run: string) =>
      JSON.parse((await fs.readFile(path.join(work, run, 'log.jsonl'), 'utf8')).split('\n')[0]!);
    const [crop, image] = [await first('crop-loss'), await first('image-loss')];
    expect(image.loss).toBeLessThan(crop.loss * 0.999);
    expect(image.srcc).toBe(crop.srcc);
    const card = JSON.parse(await fs.readFile(path.join(work, 'image-loss', 'best', 'card.json'), 'utf8'));
    expect(card.training.stages.at(-1).description).toMatch(
      /2 random 32px crops per image with flips, the loss on the mean score of sets of 2 crops of one image/,
    );
    await runFinetune(config('image-loss-trained', { epochs: 5, imageLoss: { crops: 1 } }));
    const log = (await fs.readFile(path.join(work, 'image-loss-trained', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log[4].loss).toBeLessThan(log[0].loss);
  });

  it("refits a checkpoint's score to the MOS scale before training (refitScore), and says so", async () => {
    // A stage-1-like start: the plain run's network with its score blown up 50x and shifted.
    const start = path.join(work, 'scaled-start');
    const m = await loadModel(path.join(work, 'plain', 'best'));
    foldIntoScoreLayer(m, { scale: 50, offset: 10 });
    await saveCheckpoint(start, m, null, { epoch: 0 }, {});
    m.dispose();
    await runFinetune(config('no-refit', { epochs: 1 }), { from: start });
    await runFinetune(config('refit', { epochs: 1, refitScore: true }), { from: start });
    const first = async (run: string) =>
      JSON.parse((await fs.readFile(path.join(work, run, 'log.jsonl'), 'utf8')).split('\n')[0]!);
    expect((await first('refit')).loss * 20).toBeLessThan((await first('no-refit')).loss);
    const training = JSON.parse(await fs.readFile(path.join(work, 'refit', 'best', 'training.json'), 'utf8'));
    // Undoing the blow-up: about 1/50.
    expect(training.refit.scale).toBeGreaterThan(0.005);
    expect(training.refit.scale).toBeLessThan(0.05);
    const card = JSON.parse(await fs.readFile(path.join(work, 'refit', 'best', 'card.json'), 'utf8'));
    expect(card.training.stages.at(-1).description).toMatch(
      /stage-1 score refit to normalised MOS on the training rows before training \(x/,
    );
    await expect(runFinetune(config('refit-alone', { refitScore: true }))).rejects.toThrow(
      /because the config sets "refitScore", but none was given/,
    );
  });

  it('a run from a stage-2 checkpoint continues its card: earlier stages and commands first', async () => {
    await runFinetune(
      config('continued', {
        epochs: 1,
        modelId: 'tiny-clive',
        modelVersion: '0.2.0',
        chosenOnValidation: 'the epoch count',
      }),
      { from: path.join(work, 'plain', 'best'), commands: ['iqa train finetune --config next.json'] },
    );
    const before = JSON.parse(await fs.readFile(path.join(work, 'plain', 'best', 'card.json'), 'utf8'));
    const card = JSON.parse(await fs.readFile(path.join(work, 'continued', 'best', 'card.json'), 'utf8'));
    expect([before.id, before.version]).toEqual(['vgg-tiny-ml-clive', '0.1.0']);
    expect([card.id, card.version]).toEqual(['tiny-clive', '0.2.0']);
    expect(card.metrics[0].split).toMatch(/also used to pick the best epoch and the epoch count\)$/);
    expect(card.training.stages).toHaveLength(before.training.stages.length + 1);
    expect(card.training.stages[0]).toEqual(before.training.stages[0]);
    expect(card.training.stages.at(-1).description).toMatch(
      /^starting from the weights the stages above ended with: L2/,
    );
    expect(card.training.commands).toEqual([...before.training.commands, 'iqa train finetune --config next.json']);
  });

  it('a killed and resumed run ends with the same weights as an uninterrupted one', async () => {
    await runFinetune(config('straight'));
    await runFinetune(config('killed'), { stopAfter: 2 });
    expect((await readCheckpointState<{ epoch: number }>(path.join(work, 'killed', 'last'))).epoch).toBe(2);
    await runFinetune(config('killed'), { resume: true });
    await expectSameWeights('straight', 'killed');
  });

  it('a killed and resumed run above a cut ends with the same weights as an uninterrupted one', async () => {
    const upper = (out: string) => config(out, { cut: 'block2_pool', learningRate: 0.005 });
    await runFinetune(upper('upper-straight'));
    await runFinetune(upper('upper-killed'), { stopAfter: 1 });
    await runFinetune(upper('upper-killed'), { resume: true });
    await expectSameWeights('upper-straight', 'upper-killed');
  });

  it(
    'averages the weights from averageFrom on (SWA) without changing the training, and a resumed run keeps the ' +
      'average',
    async () => {
      // The raw weights after epochs 2 and 3, one epoch per process.
      const named = async (dir: string) => {
        const m = await loadModel(dir);
        const w = new Map(m.weights.map((v) => [v.originalName, v.read().dataSync() as Float32Array]));
        m.dispose();
        return w;
      };
      await runFinetune(config('raw-epochs'), { stopAfter: 2 });
      const after2 = await named(path.join(work, 'raw-epochs', 'last'));
      await runFinetune(config('raw-epochs', { epochs: 3 }), { resume: true });
      const after3 = await named(path.join(work, 'raw-epochs', 'last'));

      const swa = config('swa', { epochs: 3, averageFrom: 2 });
      await runFinetune(swa);
      const log = (await fs.readFile(path.join(work, 'swa', 'log.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(log.map((l) => l.averaged)).toEqual([undefined, 1, 2]);
      // Training is untouched: the raw weights in last/ are the plain run's.
      const raw = await named(path.join(work, 'swa', 'last'));
      for (const [name, w] of after3) expect(Array.from(raw.get(name)!)).toEqual(Array.from(w));
      // The average is the mean of epochs 2 and 3, for every trained weight (and only those).
      const average = (await readAverage(path.join(work, 'swa', 'last')))!;
      // Saved in the order of the trained variables, named as in that process (name_N): the head's score layer here.
      const base = (name: string) => name.replace(/_\d+$/, '');
      expect(average.map((a) => base(a.name)).sort()).toEqual(['score/bias', 'score/kernel']);
      let differs = false;
      for (const { name, tensor } of average) {
        const a = after2.get(base(name))!;
        const b = after3.get(base(name))!;
        const mean = Array.from(a, (v, i) => (v + b[i]!) / 2);
        expect(Array.from(tensor.dataSync())).toEqual(mean.map((v) => expect.closeTo(v, 6)));
        differs ||= a.some((v, i) => v !== b[i]);
      }
      expect(differs).toBe(true);
      // Killed after epoch 2 and resumed: the same raw weights, the same average.
      await runFinetune(config('swa-killed', { epochs: 3, averageFrom: 2 }), { stopAfter: 2 });
      await runFinetune(config('swa-killed', { epochs: 3, averageFrom: 2 }), { resume: true });
      const resumed = (await readAverage(path.join(work, 'swa-killed', 'last')))!;
      resumed.forEach((r, i) => {
        expect(Array.from(r.tensor.dataSync())).toEqual(Array.from(average[i]!.tensor.dataSync()));
      });
      expect(Array.from((await named(path.join(work, 'swa-killed', 'last'))).get('score/kernel')!)).toEqual(
        Array.from(raw.get('score/kernel')!),
      );
      const card = JSON.parse(await fs.readFile(path.join(work, 'swa', 'best', 'card.json'), 'utf8'));
      expect(card.training.stages.at(-1).description).toMatch(
        /from epoch 2 on, validated and kept as the mean of the weights/,
      );
    },
  );

  it('computes features once: a second run is served from the cache, a new crop size is not', async () => {
    const again = await runFinetune(config('cached', { epochs: 1 }));
    expect(again.cache.misses).toBe(0);
    expect(again.cache.hits).toBe(12);
    const other = await runFinetune(config('cropped', { epochs: 1, cropSize: 24 }));
    expect(other.cache.hits).toBe(0);
    expect(other.cache.misses).toBe(12);
  });

  it('trains the upper blocks above a cut, leaving the layers below it untouched', async () => {
    const cfg = config('upper', { epochs: 5, cut: 'block2_pool', learningRate: 0.005 });
    await runFinetune(cfg);
    const log = (await fs.readFile(path.join(work, 'upper', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log[4].loss).toBeLessThan(log[0].loss);
    const trained = await loadModel(path.join(work, 'upper', 'last'));
    const { getNetwork } = await import('../../src/networks/index.js');
    const init = await getNetwork('vgg-tiny-ml').build(cfg.head);
    const changed = (name: string) => {
      const a = trained.getLayer(name).getWeights()[0]!.dataSync();
      const b = init.getLayer(name).getWeights()[0]!.dataSync();
      return a.some((v, i) => v !== b[i]);
    };
    expect(changed('block1_conv1')).toBe(false);
    expect(changed('block2_conv1')).toBe(false);
    expect(changed('block3_conv1')).toBe(true);
    expect(changed('score')).toBe(true);
  });

  it('a single-level run on the multi-level cache equals one that computes its own features', async () => {
    await runFinetune(config('ml-for-sl', { epochs: 1 }));
    const own = await runFinetune(config('sl-own', { network: 'vgg-tiny-sl', epochs: 3 }));
    const borrowed = await runFinetune(
      config('sl-borrowed', { network: 'vgg-tiny-sl', featuresFrom: 'vgg-tiny-ml', epochs: 3 }),
    );
    expect(borrowed.cache).toEqual({ hits: 12, misses: 0 });
    expect(own.cache.misses).toBe(12);
    expect(borrowed.state.best!.srcc).toBeCloseTo(own.state.best!.srcc, 5);
    const a = await weightsOf(path.join(work, 'sl-own', 'last'));
    const b = await weightsOf(path.join(work, 'sl-borrowed', 'last'));
    a.forEach((w, i) => {
      w.forEach((v, k) => {
        expect(b[i]![k]).toBeCloseTo(v, 5);
      });
    });
  });

  it(
    'a frozen run caching at a cut (cacheAt) trains as one caching pooled features, and leaves rows a run above the ' +
      'cut reads',
    async () => {
      const cache = path.join(work, 'cache-at-cut');
      const pooled = await runFinetune(config('pooled-rows', { epochs: 3 }));
      const viaCut = await runFinetune(config('cut-rows', { epochs: 3, cacheAt: 'block2_pool', cache }));
      expect(viaCut.cache).toEqual({ hits: 0, misses: 12 });
      expect(viaCut.state.best!.srcc).toBeCloseTo(pooled.state.best!.srcc, 5);
      const a = await weightsOf(path.join(work, 'pooled-rows', 'last'));
      const b = await weightsOf(path.join(work, 'cut-rows', 'last'));
      a.forEach((w, i) => {
        w.forEach((v, k) => {
          expect(b[i]![k]).toBeCloseTo(v, 4);
        });
      });
      const upper = await runFinetune(config('upper-after-cut-rows', { epochs: 1, cut: 'block2_pool', cache }));
      expect(upper.cache).toEqual({ hits: 12, misses: 0 });
      await expect(
        runFinetune(config('cut-and-cache-at', { epochs: 1, cut: 'block2_pool', cacheAt: 'block2_pool', cache })),
      ).rejects.toThrow(/"cacheAt" only on a frozen-backbone run/);
    },
  );

  it('gradient accumulation over micro-batches takes the same steps as whole batches', async () => {
    const head = { pooling: ['avg', 'std'] as Array<'avg' | 'std'>, hidden: 0, dropout: 0, seed: 3 };
    await runFinetune(config('whole', { epochs: 2, head }));
    await runFinetune(config('micro', { epochs: 2, head, microBatch: 3 }));
    const a = await weightsOf(path.join(work, 'whole', 'last'));
    const b = await weightsOf(path.join(work, 'micro', 'last'));
    a.forEach((w, i) => {
      w.forEach((v, k) => {
        expect(b[i]![k]).toBeCloseTo(v, 4);
      });
    });
    // With the loss on images, micro-batches hold whole sets of crops (3 rows -> 1 set of 2).
    await runFinetune(config('whole-sets', { epochs: 2, head, imageLoss: { crops: 2 } }));
    await runFinetune(config('micro-sets', { epochs: 2, head, imageLoss: { crops: 2 }, microBatch: 3 }));
    const c = await weightsOf(path.join(work, 'whole-sets', 'last'));
    const d = await weightsOf(path.join(work, 'micro-sets', 'last'));
    c.forEach((w, i) => {
      w.forEach((v, k) => {
        expect(d[i]![k]).toBeCloseTo(v, 4);
      });
    });
    expect(Array.from(c.at(-2)!)).not.toEqual(Array.from(a.at(-2)!));
  });

  it("whole-image rows are the full-size crop and its mirror, through the runtimes' preprocessing", async () => {
    const { getNetwork } = await import('../../src/networks/index.js');
    const { splitModel } = await import('../../src/training/split-model.js');
    const { cropFeatures, wholeImageFeatures } = await import('../../src/training/features.js');
    const { cardInput } = await import('../../src/training/card-draft.js');
    const { readImageRgb } = await import('../../src/training/read-image.js');
    const spec = getNetwork('vgg-tiny-ml');
    const split = splitModel(await spec.build({ pooling: ['avg', 'std'] }));
    const rgb = await readImageRgb(path.join(data.dir, 'img3.png'));
    const whole = await wholeImageFeatures(split.features, rgb, cardInput(spec, { kind: 'full' }), [false, true]);
    const crops = await cropFeatures(
      split.features,
      rgb,
      [
        { x: 0, y: 0, size: 40, flip: false },
        { x: 0, y: 0, size: 40, flip: true },
      ],
      spec.input,
    );
    expect([whole.width, whole.height]).toEqual([40, 40]);
    expect(whole.rows.length).toBe(crops.length);
    whole.rows.forEach((v, i) => {
      expect(v).toBeCloseTo(crops[i]!, 5);
    });
    const shrunk = await wholeImageFeatures(split.features, rgb, cardInput(spec, { kind: 'full', maxSide: 36 }), [
      false,
    ]);
    expect([shrunk.width, shrunk.height]).toEqual([36, 36]);
  });

  it('trains on whole images and their mirrors; the card says to score the whole image', async () => {
    const full = { test: { kind: 'full' as const, maxSide: 36 }, cropSize: undefined, cropsPerImage: undefined };
    const result = await runFinetune(config('whole', { ...full, epochs: 4 }));
    expect(result.split).toMatchObject({ train: 9, val: 3, skipped: [] });
    expect(result.cache.misses).toBe(12);
    const log = (await fs.readFile(path.join(work, 'whole', 'log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log[3].loss).toBeLessThan(log[0].loss);
    const card = JSON.parse(await fs.readFile(path.join(work, 'whole', 'best', 'card.json'), 'utf8'));
    expect(card.input.protocol).toEqual({ kind: 'full', maxSide: 36 });
    expect(card.training.stages.at(-1).description).toContain(
      'the whole image (longer side at most 36px) and its mirror',
    );
    // Above a cut the map size is fixed by the first training image; an image of another size is skipped, named.
    const mixed = await makeMosDataset(8);
    const sharp = (await import('sharp')).default;
    const odd = path.join(mixed.dir, 'img5.png');
    await fs.writeFile(
      odd,
      await sharp(await fs.readFile(odd))
        .resize(30, 40)
        .png()
        .toBuffer(),
    );
    const upper = await runFinetune(
      config('whole-upper', { ...full, mos: mixed.csv, valFraction: 0.25, epochs: 2, cut: 'block2_pool' }),
    );
    expect(upper.split.train + upper.split.val).toBe(7);
    expect(upper.split.skipped).toEqual([
      expect.stringMatching(/^img5\.png: Expected every image to come out 36x36 .* but this one is 27x36/),
    ]);
  });

  it('keys images by name and content: a copied, re-stamped dataset hits; an edited image misses', async () => {
    await runFinetune(config('key-first', { epochs: 1 }));
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-mos-copy-'));
    for (const f of await fs.readdir(data.dir)) await fs.copyFile(path.join(data.dir, f), path.join(copy, f));
    const later = new Date(Date.now() + 60_000);
    for (const f of await fs.readdir(copy)) await fs.utimes(path.join(copy, f), later, later);
    const moved = await runFinetune(config('key-copy', { epochs: 1, mos: path.join(copy, 'mos.csv') }));
    expect(moved.cache).toEqual({ hits: 12, misses: 0 });
    const sharp = (await import('sharp')).default;
    const edited = path.join(copy, 'img4.png');
    await fs.writeFile(
      edited,
      await sharp(await fs.readFile(edited))
        .negate()
        .png()
        .toBuffer(),
    );
    const after = await runFinetune(config('key-edit', { epochs: 1, mos: path.join(copy, 'mos.csv') }));
    expect(after.cache).toEqual({ hits: 11, misses: 1 });
  });

  it('invalidates the cache when the model changes', async () => {
    const changed = await runFinetune(
      config('other-model', { epochs: 1, head: { pooling: ['avg'], hidden: 0, dropout: 0.25, seed: 4 } }),
    );
    expect(changed.cache.hits).toBe(0);
  });
});
