/**
 * runtime-web in headless Chromium on WebGPU. The adapter is the machine's GPU when Chromium finds
 * one, else SwiftShader (Chromium's CPU Vulkan; set IQA_WEBGPU_SWIFTSHADER=0 to refuse it). With an
 * adapter the scores must equal onnxruntime-node's within 1e-4; without one the run is reported as
 * not run, with the reason, on the console and in test-output/browser/webgpu.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEBGPU_HARDWARE_FLAGS, WEBGPU_SWIFTSHADER_FLAGS, launch, probeAdapter, skipReason } from './helpers/chromium.js';
import { scoreInDemo, within } from './helpers/demo-page.js';
import { type FixtureSite, OUTPUT_DIR, startFixtureSite } from './helpers/fixture-site.js';

const skip = skipReason();
const maybe = skip ? describe.skip : describe;

maybe('runtime-web in Chromium (WebGPU)', () => {
  let site: FixtureSite;
  beforeAll(async () => {
    site = await startFixtureSite();
  }, 180_000);
  afterAll(() => site?.close());

  test('WebGPU scores equal onnxruntime-node within 1e-4 where an adapter exists, else reported as not run', async () => {
    const allowSoftware = process.env.IQA_WEBGPU_SWIFTSHADER !== '0';
    const tries: Array<[string, string[]]> = [['default', WEBGPU_HARDWARE_FLAGS]];
    if (allowSoftware) tries.push(['swiftshader', WEBGPU_SWIFTSHADER_FLAGS]);
    const why: string[] = [];
    for (const [flagSet, flags] of tries) {
      const browser = await launch(flags);
      try {
        const probe = await probeAdapter(browser.context, `${site.url}demo.css`);
        const software = /swiftshader/i.test(probe.adapter ?? '');
        if (!probe.adapter || (software && !allowSoftware)) {
          why.push(`${flagSet} flags: ${probe.why ?? `only the software adapter "${probe.adapter}" (IQA_WEBGPU_SWIFTSHADER=0)`}`);
          continue;
        }
        const kind = software ? 'software (SwiftShader, CPU)' : 'hardware';
        const run = await scoreInDemo(browser.context, site.demoUrl({ device: 'webgpu' }), site.images.map((i) => i.path));
        await run.page.screenshot({ path: join(OUTPUT_DIR, 'demo-webgpu.png'), fullPage: true });
        const reference = Object.fromEntries(site.images.map((i) => [i.name, i.reference]));
        const result = { status: 'run', adapterKind: kind, adapter: probe.adapter, device: run.device, reason: run.reason, scores: run.scores, reference };
        writeFileSync(join(OUTPUT_DIR, 'webgpu.json'), `${JSON.stringify(result, null, 2)}\n`);
        console.log(`WebGPU path RUN on ${kind} adapter "${probe.adapter}"`);
        expect(run.errors).toEqual([]);
        expect(run.device).toBe('webgpu');
        for (const img of site.images) {
          const got = run.scores[img.name]!;
          expect({ name: img.name, got, ref: img.reference, within: within(got, img.reference) }).toEqual({ name: img.name, got, ref: img.reference, within: true });
        }
        return;
      } finally {
        await browser.close();
      }
    }
    const reason = `no WebGPU adapter: ${why.join('; ')}`;
    writeFileSync(join(OUTPUT_DIR, 'webgpu.json'), `${JSON.stringify({ status: 'not run', reason }, null, 2)}\n`);
    console.warn(`*** WebGPU path NOT RUN: ${reason} ***`);
  }, 300_000);
});
