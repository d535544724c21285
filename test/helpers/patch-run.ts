/**
 * The tiny patch-network run the end-to-end tests train (CNNIQA, WaDIQaM-NR, DIQaM-NR): ten generated 72x72 images
 * with MOS, a 7/3 split, 32px patches on a stride of 32, two epochs; each test overrides what its network needs.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type PatchesConfig, initTfBackend } from '@iqa-zoo/train';
import { makeMosDataset } from '../../packages/train/test/training/helpers.js';

export interface PatchRun {
  cfg: PatchesConfig;
  /** The run folder's parent (`<work>/run`, what `exportBest` reads). */
  work: string;
  /** The generated images' folder. */
  dataDir: string;
}

/**
 * Starts the training backend (wasm, with the project's gradient kernels; cpu where wasm cannot start), makes the
 * dataset and a config for `network` with `overrides`.
 */
export async function tinyPatchRun(network: string, overrides: Partial<PatchesConfig>): Promise<PatchRun> {
  await initTfBackend({ backend: 'wasm' }).catch(() => initTfBackend({ backend: 'cpu' }));
  const data = await makeMosDataset(10, 72);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), `iqa-${network}-`));
  const cfg: PatchesConfig = {
    stage: 'patches',
    network,
    head: { hidden: 16, dropout: 0.5, seed: 2 },
    mos: data.csv,
    valFraction: 0.3,
    splitSeed: 3,
    patchesPerImage: 3,
    test: { kind: 'patches', size: 32, stride: 32 },
    lcn: { size: 3, c: 1 },
    loss: 'l1',
    epochs: 2,
    batchSize: 8,
    learningRate: 0.001,
    weightDecay: 0,
    seed: 9,
    cache: path.join(work, 'cache'),
    out: path.join(work, 'run'),
    ...overrides,
  };
  return { cfg, work, dataDir: data.dir };
}
