import os from 'node:os';
import path from 'node:path';
import { readTrainConfig } from '../../src/training/config.js';
import { writeConfig } from './helpers.js';

const base = {
  stage: 'finetune',
  network: 'vgg-tiny-ml',
  mos: path.join(os.tmpdir(), 'mos.csv'), // absolute: used as it is, no data folder needed
  out: 'runs/x',
  valFraction: 0.2,
  splitSeed: 1,
  epochs: 1,
  batchSize: 8,
  learningRate: 0.01,
};

const write = writeConfig;

describe('readTrainConfig', () => {
  it('accepts crop training and whole-image training', async () => {
    const crops = await readTrainConfig(
      await write({ ...base, cropSize: 32, cropsPerImage: 2, test: { count: 4, seed: 0 } }),
      'finetune',
    );
    expect(crops.test).toEqual({ count: 4, seed: 0 });
    const full = await readTrainConfig(await write({ ...base, test: { kind: 'full', maxSide: 512 } }), 'finetune');
    expect(full.test).toEqual({ kind: 'full', maxSide: 512 });
  });

  it('names what is wrong with the test protocol', async () => {
    await expect(
      readTrainConfig(await write({ ...base, test: { kind: 'full' }, cropsPerImage: 4 }), 'finetune'),
    ).rejects.toThrow(/"cropsPerImage" applies to crop training, but "test.kind" is "full"/);
    await expect(readTrainConfig(await write({ ...base, test: { kind: 'tiles' } }), 'finetune')).rejects.toThrow(
      /expected "test.kind" to be "crops" or "full" but received "tiles"/,
    );
    await expect(
      readTrainConfig(await write({ ...base, test: { kind: 'full', maxSide: -3 } }), 'finetune'),
    ).rejects.toThrow(/expected a positive integer for "test.maxSide" but received -3/);
    await expect(readTrainConfig(await write({ ...base, test: { count: 4, seed: 0 } }), 'finetune')).rejects.toThrow(
      /expected a number for "cropSize" but received undefined/,
    );
    await expect(readTrainConfig(await write({ ...base }), 'finetune')).rejects.toThrow(
      /expected an object for "test"/,
    );
  });

  it("checks the epoch weight averaging starts at one of the run's epochs", async () => {
    const crops = { ...base, cropSize: 32, cropsPerImage: 2, test: { count: 4, seed: 0 }, epochs: 10 };
    expect((await readTrainConfig(await write({ ...crops, averageFrom: 7 }), 'finetune')).averageFrom).toBe(7);
    await expect(readTrainConfig(await write({ ...crops, averageFrom: 11 }), 'finetune')).rejects.toThrow(
      /expected "averageFrom" to be an epoch from 1 to "epochs" \(10\) but received 11/,
    );
    await expect(readTrainConfig(await write({ ...crops, averageFrom: 0.5 }), 'finetune')).rejects.toThrow(
      /"averageFrom".*received 0.5/,
    );
  });

  it('checks the MOS ranking term', async () => {
    const crops = { ...base, cropSize: 32, cropsPerImage: 2, test: { count: 4, seed: 0 } };
    const ok = await readTrainConfig(
      await write({ ...crops, mosRanking: { weight: 1, margin: 0.1, minGap: 0.05 } }),
      'finetune',
    );
    expect(ok.mosRanking).toEqual({ weight: 1, margin: 0.1, minGap: 0.05 });
    await expect(
      readTrainConfig(await write({ ...crops, mosRanking: { weight: 1, margin: 0.1 } }), 'finetune'),
    ).rejects.toThrow(/expected a number >= 0 for "mosRanking.minGap" but received undefined/);
    await expect(readTrainConfig(await write({ ...crops, mosRanking: 2 }), 'finetune')).rejects.toThrow(
      /expected an object .* for "mosRanking" but received 2/,
    );
    await expect(readTrainConfig(await write({ ...crops, refitscore: true }), 'finetune')).rejects.toThrow(
      /expected only the keys of a "finetune" config \(.*refitScore.*\) but received "refitscore"/,
    );
    await expect(readTrainConfig(await write({ ...crops, modelVersion: 2 }), 'finetune')).rejects.toThrow(
      /expected a string for "modelVersion" but received 2/,
    );
    await expect(readTrainConfig(await write({ ...crops, refitScore: 'yes' }), 'finetune')).rejects.toThrow(
      /expected true or false for "refitScore" but received "yes"/,
    );
  });

  it('checks the validation fold against the folds valFraction makes', async () => {
    const crops = { ...base, cropSize: 32, cropsPerImage: 2, test: { count: 4, seed: 0 } };
    expect((await readTrainConfig(await write({ ...crops, valFold: 4 }), 'finetune')).valFold).toBe(4);
    await expect(readTrainConfig(await write({ ...crops, valFold: 5 }), 'finetune')).rejects.toThrow(
      new RegExp(
        /expected "valFold" to be an integer from 0 to 4 \("valFraction" 0.2 cuts the images into 5 folds\) /.source +
          /but received 5/.source,
      ),
    );
    await expect(readTrainConfig(await write({ ...crops, valFold: '1' }), 'finetune')).rejects.toThrow(
      /expected "valFold" .* but received "1"/,
    );
    await expect(readTrainConfig(await write({ ...crops, valFraction: 1.5 }), 'finetune')).rejects.toThrow(
      /expected "valFraction" between 0 and 1 \(exclusive\) but received 1.5/,
    );
  });

  it('checks the loss on images', async () => {
    const crops = { ...base, cropSize: 32, cropsPerImage: 4, test: { count: 4, seed: 0 } };
    expect((await readTrainConfig(await write({ ...crops, imageLoss: { crops: 4 } }), 'finetune')).imageLoss).toEqual({
      crops: 4,
    });
    await expect(readTrainConfig(await write({ ...crops, imageLoss: { crops: 5 } }), 'finetune')).rejects.toThrow(
      new RegExp(
        /expected "imageLoss" to be \{ "crops": N \} with N an integer from 1 to "cropsPerImage" /.source +
          /\(4\) but received \{"crops":5\}/.source,
      ),
    );
    await expect(readTrainConfig(await write({ ...crops, imageLoss: 2 }), 'finetune')).rejects.toThrow(
      /expected "imageLoss" to be .* but received 2/,
    );
    await expect(
      readTrainConfig(await write({ ...base, test: { kind: 'full' }, imageLoss: { crops: 2 } }), 'finetune'),
    ).rejects.toThrow(/"cropsPerImage" \(undefined\)/);
    await expect(
      readTrainConfig(
        await write({ ...crops, imageLoss: { crops: 2 }, mosRanking: { weight: 1, margin: 0.1, minGap: 0 } }),
        'finetune',
      ),
    ).rejects.toThrow(/"imageLoss" and "mosRanking" cannot be combined/);
  });

  it('checks the loss: l1, l2 or emd, and emd alone (no loss on single scores beside it)', async () => {
    const crops = { ...base, cropSize: 32, cropsPerImage: 4, test: { count: 4, seed: 0 } };
    expect((await readTrainConfig(await write({ ...crops, loss: 'emd' }), 'finetune')).loss).toBe('emd');
    await expect(readTrainConfig(await write({ ...crops, loss: 'huber' }), 'finetune')).rejects.toThrow(
      /expected "l1", "l2" or "emd" for "loss" but received "huber"/,
    );
    await expect(
      readTrainConfig(
        await write({ ...crops, loss: 'emd', mosRanking: { weight: 1, margin: 0.1, minGap: 0 } }),
        'finetune',
      ),
    ).rejects.toThrow(/"loss": "emd" trains a score distribution and cannot be combined with "mosRanking"/);
  });

  it('takes featuresFrom as a network name or { network, head }', async () => {
    const crops = { ...base, cropSize: 32, cropsPerImage: 4, test: { count: 4, seed: 0 } };
    const from = { network: 'mobilenetv2-ml', head: { pooling: ['avg', 'std'] } };
    expect((await readTrainConfig(await write({ ...crops, featuresFrom: from }), 'finetune')).featuresFrom).toEqual(
      from,
    );
    await expect(readTrainConfig(await write({ ...crops, featuresFrom: { head: {} } }), 'finetune')).rejects.toThrow(
      /expected a network name or \{ "network", "head" \} for "featuresFrom" but received \{"head":\{\}\}/,
    );
  });
});
