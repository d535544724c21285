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

type Alpha = 'opaque' | 'cutout' | 'gradient';

/**
 * Opaque RGB, RGBA with a 0/255 cutout, or RGBA with an alpha gradient. A canvas premultiplies alpha,
 * which changes the RGB of semi-transparent pixels, but not what remains after core composites
 * them onto white (see docs/runtime-web.md): all three must score alike in Node and Chromium.
 */
function pixels(width: number, height: number, seed: number, alpha: Alpha): { data: Uint8Array; channels: 3 | 4 } {
  const rand = mulberry32(seed);
  const channels = alpha === 'opaque' ? 3 : 4;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data[i] = Math.min(255, (x * 255) / width + rand() * 60);
      data[i + 1] = Math.min(255, (y * 255) / height + rand() * 60);
      data[i + 2] = Math.min(255, 128 + 100 * Math.sin((x * y) / 97) + rand() * 25);
      if (alpha === 'cutout')
        data[i + 3] = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (width * height) / 6 ? 255 : 0;
      if (alpha === 'gradient') data[i + 3] = (x * 255) / (width - 1);
    }
  }
  return { data, channels };
}

const IMAGES: Array<[string, number, number, Alpha]> = [
  ['gradient-96x64.png', 96, 64, 'opaque'],
  ['noise-57x133.png', 57, 133, 'opaque'],
  ['large-240x180.png', 240, 180, 'opaque'],
  ['cutout-alpha-80x80.png', 80, 80, 'cutout'],
  ['soft-alpha-90x70.png', 90, 70, 'gradient'],
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
  for (const [i, [name, w, h, alpha]] of IMAGES.entries()) {
    const { data, channels } = pixels(w, h, 100 + i, alpha);
    const path = join(dir, 'images', name);
    await sharp(data, { raw: { width: w, height: h, channels } })
      .png()
      .toFile(path);
    const decoded = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const raw = {
      data: new Uint8Array(decoded.data),
      width: decoded.info.width,
      height: decoded.info.height,
      channels: 4 as const,
    };
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
