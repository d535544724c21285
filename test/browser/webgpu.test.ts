/**
 * runtime-web in headless Chromium on WebGPU. The adapter is the machine's GPU when Chromium finds
 * one, else SwiftShader (Chromium's CPU Vulkan; set IQA_WEBGPU_SWIFTSHADER=0 to refuse it). With an
 * adapter the scores must equal onnxruntime-node's within 1e-4; without one the test is a visible
 * skip naming the reason (also on the console and in test-output/browser/webgpu.json).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  WEBGPU_HARDWARE_FLAGS,
  WEBGPU_SWIFTSHADER_FLAGS,
  launch,
  probeAdapter,
  skipReason,
} from './helpers/chromium.js';
import { scoreInDemo, within } from './helpers/demo-page.js';
import { type FixtureSite, OUTPUT_DIR, startFixtureSite } from './helpers/fixture-site.js';

const skip = skipReason();
const maybe = skip ? describe.skip : describe;
const allowSoftware = process.env.IQA_WEBGPU_SWIFTSHADER !== '0';

/**
 * Which Chromium flags give a usable WebGPU adapter here, probed before the tests are declared,
 * so that a machine without one shows the test as skipped, with the reason, instead of passing it.
 */
async function findAdapter(
  site: FixtureSite,
): Promise<{ flags: string[]; adapter: string; software: boolean } | { why: string }> {
  const tries: Array<[string, string[]]> = [['default', WEBGPU_HARDWARE_FLAGS]];
  if (allowSoftware) tries.push(['swiftshader', WEBGPU_SWIFTSHADER_FLAGS]);
  const why: string[] = [];
  for (const [flagSet, flags] of tries) {
    const browser = await launch(flags);
    try {
      const probe = await probeAdapter(browser.context, `${site.url}demo.css`);
      const software = /swiftshader/i.test(probe.adapter ?? '');
      if (probe.adapter && (!software || allowSoftware)) return { flags, adapter: probe.adapter, software };
      why.push(
        `${flagSet} flags: ${probe.why ?? `only the software adapter "${probe.adapter}" (IQA_WEBGPU_SWIFTSHADER=0)`}`,
      );
    } finally {
      await browser.close();
    }
  }
  return { why: `no WebGPU adapter: ${why.join('; ')}` };
}

// One fixture site for the probe and the test (it builds the browser bundle and the model).
const site: FixtureSite | undefined = skip ? undefined : await startFixtureSite();
const found = site ? await findAdapter(site) : { why: skip! };
if ('why' in found && !skip) {
  writeFileSync(
    join(OUTPUT_DIR, 'webgpu.json'),
    `${JSON.stringify({ status: 'not run', reason: found.why }, null, 2)}\n`,
  );
  console.warn(`*** WebGPU path NOT RUN: ${found.why} ***`);
}
const title = 'WebGPU scores equal onnxruntime-node within 1e-4';
const withAdapter = 'adapter' in found ? test : test.skip;

maybe('runtime-web in Chromium (WebGPU)', () => {
  afterAll(() => site?.close());

  withAdapter(
    'adapter' in found ? `${title} (adapter "${found.adapter}")` : `${title} (skipped: ${found.why})`,
    async () => {
      if (!('adapter' in found) || !site) return;
      const browser = await launch(found.flags);
      try {
        const kind = found.software ? 'software (SwiftShader, CPU)' : 'hardware';
        const run = await scoreInDemo(
          browser.context,
          site.demoUrl({ device: 'webgpu' }),
          site.images.map((i) => i.path),
        );
        await run.page.screenshot({ path: join(OUTPUT_DIR, 'demo-webgpu.png'), fullPage: true });
        const reference = Object.fromEntries(site.images.map((i) => [i.name, i.reference]));
        const result = {
          status: 'run',
          adapterKind: kind,
          adapter: found.adapter,
          device: run.device,
          reason: run.reason,
          scores: run.scores,
          reference,
        };
        writeFileSync(join(OUTPUT_DIR, 'webgpu.json'), `${JSON.stringify(result, null, 2)}\n`);
        console.log(`WebGPU path RUN on ${kind} adapter "${found.adapter}"`);
        expect(run.errors).toEqual([]);
        expect(run.device).toBe('webgpu');
        for (const img of site.images) {
          const got = run.scores[img.name]!;
          expect({ name: img.name, got, ref: img.reference, within: within(got, img.reference) }).toEqual({
            name: img.name,
            got,
            ref: img.reference,
            within: true,
          });
        }
      } finally {
        await browser.close();
      }
    },
    300_000,
  );
});
