import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** Writes a training config as JSON into a fresh temporary folder and returns the file. */
export async function writeConfig(cfg: object): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-cfg-'));
  const file = path.join(dir, 'cfg.json');
  await fs.writeFile(file, JSON.stringify(cfg));
  return file;
}

/** Writes `n` small textured PNGs with a synthetic "MOS" (blurrier = lower) and a mos.csv. */
export async function makeMosDataset(n: number, size = 40): Promise<{ dir: string; csv: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-mos-'));
  const lines = ['image,mos,std'];
  for (let i = 0; i < n; i++) {
    const data = Buffer.alloc(size * size * 3);
    for (let p = 0; p < size * size; p++) {
      const x = p % size;
      const y = Math.floor(p / size);
      const v = ((x * (3 + (i % 5)) + y * 7 + i * 13) % 32) * 8;
      data[3 * p] = v;
      data[3 * p + 1] = (v + 60) % 256;
      data[3 * p + 2] = (x * 5 + i) % 256;
    }
    const blur = 0.3 + (i % 4) * 1.2;
    const name = `img${i}.png`;
    await sharp(data, { raw: { width: size, height: size, channels: 3 } })
      .blur(blur)
      .png()
      .toFile(path.join(dir, name));
    lines.push(`${name},${(90 - blur * 15).toFixed(3)},5`);
  }
  const csv = path.join(dir, 'mos.csv');
  await fs.writeFile(csv, `${lines.join('\n')}\n`);
  return { dir, csv };
}
