import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trainCommand } from '../../src/cli/train.js';
import { makeMosDataset } from './helpers.js';

describe('iqa train', () => {
  it('--out and --cache override the config, and the card records them', async () => {
    const data = await makeMosDataset(8);
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-train-cli-'));
    const config = path.join(work, 'finetune.json');
    await fs.writeFile(
      config,
      JSON.stringify({
        stage: 'finetune',
        network: 'vgg-tiny-ml',
        head: { pooling: ['avg'], dropout: 0, seed: 1 },
        mos: data.csv,
        valFraction: 0.25,
        splitSeed: 1,
        cropSize: 32,
        cropsPerImage: 2,
        test: { count: 2, seed: 0 },
        loss: 'l2',
        epochs: 1,
        batchSize: 8,
        learningRate: 0.01,
        out: path.join(work, 'from-config'),
        cache: path.join(work, 'cache-from-config'),
      }),
    );
    const out = path.join(work, 'run');
    const cache = path.join(work, 'fresh-cache');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(
        await trainCommand(['finetune', '--config', config, '--backend', 'cpu', '--out', out, '--cache', cache]),
      ).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const card = JSON.parse(await fs.readFile(path.join(out, 'best', 'card.json'), 'utf8'));
    expect(card.training.commands).toEqual([`iqa train finetune --config ${config} --out ${out} --cache ${cache}`]);
    expect((await fs.readdir(cache)).length).toBe(1);
    await expect(fs.stat(path.join(work, 'from-config'))).rejects.toThrow();
    await expect(fs.stat(path.join(work, 'cache-from-config'))).rejects.toThrow();
    await expect(trainCommand(['finetune', '--config', config, '--feature-workers', '0'])).rejects.toThrow(
      'Expected a positive integer for --feature-workers but received "0"',
    );
    await expect(trainCommand(['finetune', '--config', config, '--threads', '9'])).rejects.toThrow(
      'Expected an integer from 1 to 8 for --threads but received "9"',
    );
  });
});
