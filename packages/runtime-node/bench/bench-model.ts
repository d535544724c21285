/**
 * Shared set-up of the runtime-node benchmarks: the model under test and a folder of 500x500 JPEGs.
 * Without --model, the network is built from @iqa-zoo/train's registry with its seeded weights and
 * exported with @iqa-zoo/export (the shared test fixture), with the zoo's test protocol (30 crops):
 * timing does not depend on what the weights learned.
 */
import { promises as fs, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { TestProtocol } from '@iqa-zoo/core';
import { createFixtureModel, type FixtureModel, writeFixtureModelDir } from '../../../test/helpers/fixture-model.js';

/** Temporary folders made by the benchmark, removed when the process exits. */
const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export interface BenchModel {
  /** What createScorer gets: a zoo id or a folder. */
  model: string;
  label: string;
  fixture?: FixtureModel;
}

/** Builds (or names) the model: `--model` wins; else `network` with `protocol`, written to a temp folder. */
export async function benchModel(opts: {
  model?: string;
  network: string;
  protocol: TestProtocol;
}): Promise<BenchModel> {
  if (opts.model) return { model: opts.model, label: opts.model };
  const fixture = await createFixtureModel({ network: opts.network, protocol: opts.protocol, seed: 1 });
  const dir = await tempDir('iqa-bench-model-');
  await writeFixtureModelDir(dir, fixture);
  const p = opts.protocol;
  const proto = p.kind === 'crops' ? `${p.count} crops of ${p.size}` : 'full image';
  return {
    model: dir,
    label: `${opts.network} (seeded weights, ${proto}, ${(fixture.onnx.length / 1e6).toFixed(1)} MB ONNX)`,
    fixture,
  };
}

/**
 * Writes `count` 500x500 JPEGs (quality 90) cut from the pristine photos of the training data folder
 * ($IQA_ZOO_DATA, else ./data; docs/training.md) into a temp folder.
 */
export async function jpegFolder(
  count: number,
  source = `${process.env.IQA_ZOO_DATA ?? 'data'}/pristine`,
): Promise<string> {
  const names = (await fs.readdir(source))
    .filter((n) => /\.(jpe?g|png)$/i.test(n))
    .sort()
    .slice(0, count);
  if (names.length < count) throw new Error(`Expected ${count} photos in ${source} but found ${names.length}`);
  const dir = await tempDir('iqa-bench-jpegs-');
  for (const [i, name] of names.entries()) {
    await sharp(path.join(source, name))
      .resize(500, 500, { fit: 'cover' })
      .jpeg({ quality: 90 })
      .toFile(path.join(dir, `${String(i).padStart(4, '0')}.jpg`));
  }
  return dir;
}

/** One line describing the machine and its load, printed with every result. */
export function machineLine(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}`;
}

/** Median of `values`. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
