/**
 * runtime-web must be usable from a plain <script type="module"> and from bundlers: it is bundled
 * here for the browser platform and must pull in no Node modules (no sharp, no onnxruntime-node, no node:*).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORT_FILES, buildBrowser } from '../scripts/build-browser.mjs';

describe('runtime-web browser bundle', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'iqa-web-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('bundles for the browser without any Node-only module', async () => {
    const meta = await buildBrowser({ outdir, minify: false, logLevel: 'silent' });
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((f) => f.includes('packages/runtime-web/src/scorer.ts'))).toBe(true);
    expect(inputs.some((f) => f.includes('packages/core/src/preprocess/to-tensor.ts'))).toBe(true);
    expect(inputs.some((f) => f.includes('node_modules/onnxruntime-web/dist/ort.bundle.min.mjs'))).toBe(true);
    const nodeOnly = inputs.filter(
      (f) => /node_modules\/(sharp|onnxruntime-node|@img)\//.test(f) || f.startsWith('node:'),
    );
    expect(nodeOnly).toEqual([]);
    const imports = Object.values(meta.inputs).flatMap((i) => i.imports.map((imp) => imp.path));
    expect(imports.filter((p) => p.startsWith('node:') || /^(fs|path|os|crypto|url|sharp)$/.test(p))).toEqual([]);
    const js = readFileSync(join(outdir, 'iqa-zoo-web.js'), 'utf8');
    expect(js).toMatch(/export\s*\{[^}]*createScorer/);
    for (const f of ORT_FILES) expect(existsSync(join(outdir, f))).toBe(true);
  });
});
