/**
 * What the browser tests serve and compare against: the runtime-web bundle, the seeded fixture
 * model as a zoo folder, small PNG images made here, and their scores from onnxruntime-node + core
 * (the same pixels through the same preprocessing, so a browser score must match within 1e-4).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ModelCard, mulberry32, scorePixels } from '@iqa-zoo/core';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { buildBrowser } from '../../../packages/runtime-web/scripts/build-browser.mjs';
import { startDemoServer } from '../../../packages/runtime-web/demo/server.mjs';
import { createFixtureModel, writeFixtureModelDir } from '../../helpers/fixture-model.js';

export const OUTPUT_DIR = resolve('test-output/browser');

export interface FixtureImage {
  name: string;
  path: string;
  /** onnxruntime-node + core's score of the pixels sharp decodes. */
  reference: number;
}

export interface FixtureSite {
  url: string;
  card: ModelCard;
  images: FixtureImage[];
  /** The page URL of the demo with the fixture model. */
  demoUrl(params?: Record<string, string>): string;
  close(): Promise<void>;
}

/** Opaque RGB, or RGBA whose alpha is only 0 or 255 (exact through a canvas; see docs/runtime-web.md). */
function pixels(width: number, height: number, seed: number, cutout: boolean): { data: Uint8Array; channels: 3 | 4 } {
  const rand = mulberry32(seed);
  const channels = cutout ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data[i] = Math.min(255, (x * 255) / width + rand() * 60);
      data[i + 1] = Math.min(255, (y * 255) / height + rand() * 60);
      data[i + 2] = Math.min(255, 128 + 100 * Math.sin((x * y) / 97) + rand() * 25);
      if (cutout) data[i + 3] = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width * height) / 6 ? 255 : 0;
    }
  }
  return { data, channels };
}

const IMAGES: Array<[string, number, number, boolean]> = [
  ['gradient-96x64.png', 96, 64, false],
  ['noise-57x133.png', 57, 133, false],
  ['large-240x180.png', 240, 180, false],
  ['cutout-alpha-80x80.png', 80, 80, true],
];

/** Builds the bundle, writes the model and images to a temp folder, scores them in Node, starts the server. */
export async function startFixtureSite(): Promise<FixtureSite> {
  // Each test file builds its own bundle, so parallel test files never read a half-written one.
  const dir = mkdtempSync(join(tmpdir(), 'iqa-browser-'));
  await buildBrowser({ outdir: join(dir, 'dist'), logLevel: 'error' });
  const fixture = await createFixtureModel();
  await writeFixtureModelDir(join(dir, 'model'), fixture);
  mkdirSync(join(dir, 'images'));
  const session = await ort.InferenceSession.create(fixture.onnx);
  const { card } = fixture;
  const run = async (t: { data: Float32Array; dims: number[] }) => {
    const out = await session.run({ [card.input.name]: new ort.Tensor('float32', t.data, t.dims) });
    return out[card.output.name]!.data as Float32Array;
  };
  const images: FixtureImage[] = [];
  for (const [i, [name, w, h, cutout]] of IMAGES.entries()) {
    const { data, channels } = pixels(w, h, 100 + i, cutout);
    const path = join(dir, 'images', name);
    await sharp(data, { raw: { width: w, height: h, channels } }).png().toFile(path);
    const decoded = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const raw = { data: new Uint8Array(decoded.data), width: decoded.info.width, height: decoded.info.height, channels: 4 as const };
    images.push({ name, path, reference: await scorePixels(card, raw, run) });
  }
  await session.release();
  const server = await startDemoServer({
    port: 0,
    quiet: true,
    mounts: { '/dist/': join(dir, 'dist'), '/fixture/': join(dir, 'model'), '/images/': join(dir, 'images') },
  });
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return {
    url: server.url,
    card,
    images,
    demoUrl: (params = {}) => `${server.url}?${new URLSearchParams({ model: '/fixture/', ...params })}`,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
