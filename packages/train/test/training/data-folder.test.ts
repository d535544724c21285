/**
 * The training data folder: a config's relative data paths resolve against `--data`, else
 * `$IQA_ZOO_DATA`, else ./data; a missing folder is a DATA_NOT_FOUND naming it and the layout.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATA_ENV, dataFolder } from '../../src/training/data-folder.js';
import { readTrainConfig } from '../../src/training/config.js';
import { trainCommand } from '../../src/cli/train.js';

const common = { network: 'vgg-tiny-ml', out: 'runs/x', epochs: 1, batchSize: 8, learningRate: 0.01 };
const rank = {
  ...common,
  stage: 'rank',
  refs: 'pristine',
  set: 'live',
  maxRefs: 0,
  heldOut: 0.1,
  cropSize: 32,
  cropsPerRef: 1,
  refsPerBatch: 2,
  margin: 1,
};
const finetune = {
  ...common,
  stage: 'finetune',
  mos: 'clive/mos.csv',
  root: 'clive',
  valFraction: 0.2,
  splitSeed: 1,
  cropSize: 32,
  cropsPerImage: 2,
  test: { count: 4, seed: 0 },
};

let work: string;
let data: string;
const configFile = async (name: string, cfg: object) => {
  const file = path.join(work, name);
  await fs.writeFile(file, JSON.stringify(cfg));
  return file;
};

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-data-folder-'));
  data = path.join(work, 'data');
  await fs.mkdir(path.join(data, 'pristine'), { recursive: true });
  await fs.mkdir(path.join(data, 'clive'), { recursive: true });
});
afterAll(() => fs.rm(work, { recursive: true, force: true }));

describe('dataFolder', () => {
  test('--data, else $IQA_ZOO_DATA, else ./data, as absolute paths', () => {
    expect(dataFolder('rel/dir', { [DATA_ENV]: '/env/dir' })).toEqual({ dir: path.resolve('rel/dir'), from: '--data' });
    expect(dataFolder(undefined, { [DATA_ENV]: '/env/dir' })).toEqual({ dir: '/env/dir', from: '$IQA_ZOO_DATA' });
    const fallback = dataFolder(undefined, {});
    expect(fallback).toMatchObject({ dir: path.resolve('data'), from: expect.stringMatching(/default \.\/data/) });
  });
});

describe('readTrainConfig data paths', () => {
  test('relative data paths resolve against the data folder; other paths and absolute ones stay', async () => {
    const folder = dataFolder(data);
    const r = await readTrainConfig(await configFile('rank.json', rank), 'rank', { data: folder });
    const expected = { refs: path.join(data, 'pristine'), out: 'runs/x', data: folder };
    expect({ refs: r.refs, out: r.out, data: r.data }).toEqual(expected);
    const f = await readTrainConfig(await configFile('finetune.json', finetune), 'finetune', { data: folder });
    expect([f.mos, f.root]).toEqual([path.join(data, 'clive/mos.csv'), path.join(data, 'clive')]);
    const abs = path.join(work, 'elsewhere', 'mos.csv');
    const absFile = await configFile('abs.json', { ...finetune, mos: abs, root: undefined });
    const g = await readTrainConfig(absFile, 'finetune', { data: dataFolder(path.join(work, 'no-such-folder')) });
    expect([g.mos, g.root]).toEqual([abs, undefined]);
  });

  test('without an option, $IQA_ZOO_DATA names the folder', async () => {
    const saved = process.env[DATA_ENV];
    process.env[DATA_ENV] = data;
    try {
      const cfg = await readTrainConfig(await configFile('rank-env.json', rank), 'rank');
      expect(cfg.refs).toBe(path.join(data, 'pristine'));
    } finally {
      if (saved === undefined) delete process.env[DATA_ENV];
      else process.env[DATA_ENV] = saved;
    }
  });

  test('a missing data folder is DATA_NOT_FOUND naming the folder, the key and the layout', async () => {
    const missing = path.join(work, 'no-such-folder');
    const file = await configFile('rank-missing.json', rank);
    const err = await readTrainConfig(file, 'rank', { data: dataFolder(missing) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'IqaError', code: 'DATA_NOT_FOUND' });
    const { message } = err as Error;
    expect(message).toContain(
      `Expected a training data folder at ${missing} (--data) for "refs": "pristine" of ${file},`,
    );
    expect(message).toContain('set IQA_ZOO_DATA to a folder holding pristine/');
    expect(message).toContain('clive/mos.csv');
    // A file is not a folder.
    const notDir = await configFile('not-a-folder', {});
    const fromFile = readTrainConfig(file, 'rank', { data: dataFolder(notDir) });
    await expect(fromFile).rejects.toMatchObject({ code: 'DATA_NOT_FOUND' });
  });

  test('iqa train --data: a missing folder fails before training, with the same error', async () => {
    const file = await configFile('finetune-cli.json', finetune);
    const missing = path.join(work, 'absent');
    const run = trainCommand(['finetune', '--config', file, '--data', missing, '--backend', 'cpu']);
    await expect(run).rejects.toMatchObject({
      code: 'DATA_NOT_FOUND',
      message: expect.stringContaining(`at ${missing} (--data) for "mos": "clive/mos.csv"`),
    });
  });
});
