/**
 * What the zoo models' Chromium tests set up: the runtime-web bundle, test textures, a static server mounting the
 * model folder, headless Chromium; and the page-side scoring of those images through runtime-web on WASM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBrowser } from '../../../packages/runtime-web/scripts/build-browser.mjs';
import { startDemoServer } from '../../../packages/runtime-web/demo/server.mjs';
import { type Launched, launch } from './chromium.js';
import { type TextureSpec, writeTextures } from './textures.js';

export interface ZooModelSite {
  /** The folder holding the bundle and the images. */
  dir: string;
  /** The texture files, in `dir` and under `/images/`. */
  names: string[];
  browser: Launched;
  server: { url: string; close(): Promise<void> };
  close(): Promise<void>;
}

/** Serves `modelDir` at `/model/`, the runtime-web bundle at `/dist/` and the textures at `/images/`. */
export async function openZooModelSite(
  modelDir: string,
  textures: TextureSpec[],
  seed?: number,
): Promise<ZooModelSite> {
  const dir = mkdtempSync(join(tmpdir(), 'iqa-zoo-browser-'));
  await buildBrowser({ outdir: join(dir, 'dist'), logLevel: 'error' });
  const names = await writeTextures(dir, textures, seed);
  const server = await startDemoServer({
    port: 0,
    quiet: true,
    mounts: { '/dist/': join(dir, 'dist'), '/model/': modelDir, '/images/': dir },
  });
  const browser = await launch();
  return {
    dir,
    names,
    browser,
    server,
    async close() {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Scores every texture in a page with runtime-web's `createScorer('/model/', { device: 'wasm' })`. */
export async function scoreInChromium(
  site: ZooModelSite,
): Promise<{ device: string; reason: string; scores: Record<string, number> }> {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(`${site.server.url}/images/${site.names[0]}`);
    return await page.evaluate(async (files) => {
      const lib = await import('/dist/iqa-zoo-web.js' as string);
      const scorer = await lib.createScorer('/model/', { device: 'wasm', cache: false });
      const scores: Record<string, number> = {};
      for (const f of files) scores[f] = await scorer.score(`/images/${f}`);
      const out = { device: scorer.device as string, reason: scorer.deviceReason as string, scores };
      await scorer.dispose();
      return out;
    }, site.names);
  } finally {
    await page.close();
  }
}
