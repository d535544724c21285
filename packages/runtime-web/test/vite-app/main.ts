/**
 * A Vite app using @iqa-zoo/runtime-web as a user would: `import { createScorer } from '@iqa-zoo/runtime-web'`.
 * Built by test/vite-bundle.test.ts with Vite's `build()`; page parameters (all optional):
 *   ?model=/models/<id>/   the model folder (default: the zoo default from /models/index.json)
 *   ?wasmPaths=/ort/       where onnxruntime-web's .wasm and .mjs are served (copied into Vite's public/ort/)
 *   ?wasmPaths=url-imports the two files imported with Vite's `?url` (Vite emits them as assets)
 *   (no wasmPaths)         the .wasm Vite emits from onnxruntime-web's `new URL(..., import.meta.url)`
 *   ?threads=N             WASM threads (needs COOP/COEP)
 *   ?images=/a.png,/b.png  the images to score
 */
import { createScorer } from '@iqa-zoo/runtime-web';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';

const params = new URLSearchParams(location.search);
const status = document.getElementById('status')!;
const list = document.getElementById('scores')!;

async function main(): Promise<void> {
  const threads = params.get('threads');
  const scorer = await createScorer(params.get('model') ?? undefined, {
    device: 'wasm',
    numThreads: threads ? Number(threads) : undefined,
    wasmPaths:
      params.get('wasmPaths') === 'url-imports'
        ? { wasm: ortWasm, mjs: ortMjs }
        : (params.get('wasmPaths') ?? undefined),
  });
  for (const src of (params.get('images') ?? '').split(',').filter((s) => s)) {
    const li = document.createElement('li');
    li.dataset.src = src;
    li.dataset.score = String(await scorer.score(src));
    li.textContent = `${src}: ${Number(li.dataset.score).toFixed(2)}`;
    list.append(li);
  }
  status.dataset.device = scorer.device;
  status.dataset.threads = String(scorer.threads);
  status.dataset.reason = scorer.deviceReason;
  status.textContent = scorer.deviceReason;
  await scorer.dispose();
  status.dataset.state = 'done';
}

main().catch((err: unknown) => {
  status.dataset.state = 'error';
  status.textContent = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
});
