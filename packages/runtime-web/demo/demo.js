// iqa-zoo demo: plain ESM, no framework. Served by demo/server.mjs (npm run demo -w @iqa-zoo/runtime-web).
// Query parameters: ?model=<model folder URL> (default: the zoo's default model under /models/),
// ?device=auto|webgpu|wasm, ?threads=N, ?isolated=0 (served without COOP/COEP: single-threaded WASM),
// ?preset=default|fast, ?dtype=fp32|fp16|q8, ?crops=N (createScorer's options of the same names).
import { createScorer } from '/dist/iqa-zoo-web.js';

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const deviceSelect = $('device');
deviceSelect.value = params.get('device') ?? 'auto';

/** State the browser tests and the benchmark read: `await window.iqaDemo.ready`. */
const demo = { scorer: undefined, ready: undefined, results: [], error: undefined };
window.iqaDemo = demo;

async function load() {
  const info = $('device-info');
  info.dataset.state = 'loading';
  const progress = $('load');
  const model = params.get('model') ?? undefined;
  const threads = params.get('threads') ? Number(params.get('threads')) : undefined;
  const crops = params.get('crops') ? Number(params.get('crops')) : undefined;
  try {
    await demo.scorer?.dispose();
    const scorer = await createScorer(model, {
      device: deviceSelect.value,
      numThreads: threads,
      preset: params.get('preset') ?? undefined,
      dtype: params.get('dtype') ?? undefined,
      crops,
      onProgress: (p) => {
        if (p.phase !== 'model') return;
        progress.max = p.total ?? Math.max(p.loaded, 1);
        progress.value = p.loaded;
      },
    });
    demo.scorer = scorer;
    const { card } = scorer;
    $('model-name').textContent = `${card.id} ${card.version}`;
    info.textContent =
      `device: ${scorer.device} - ${scorer.deviceReason} (crossOriginIsolated: ` + `${self.crossOriginIsolated})`;
    info.dataset.device = scorer.device;
    info.dataset.state = 'ready';
    return scorer;
  } catch (err) {
    demo.error = String(err?.message ?? err);
    info.textContent = `could not load the model: ${demo.error}`;
    info.dataset.state = 'error';
    throw err;
  }
}

function row(file) {
  const li = document.createElement('li');
  li.className = 'result';
  li.dataset.state = 'scoring';
  li.dataset.file = file.name;
  const img = document.createElement('img');
  img.alt = '';
  img.src = URL.createObjectURL(file);
  const text = document.createElement('div');
  text.innerHTML = '<div class="name"></div><div class="meta">scoring...</div>';
  text.querySelector('.name').textContent = file.name;
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.innerHTML = '<span style="width:0"></span>';
  li.append(img, text, bar);
  $('results').prepend(li);
  return li;
}

async function scoreFiles(files) {
  const scorer = await demo.ready;
  const [lo, hi] = scorer.card.output.range;
  for (const file of files) {
    const li = row(file);
    const meta = li.querySelector('.meta');
    const t0 = performance.now();
    try {
      const score = await scorer.score(file);
      const ms = performance.now() - t0;
      const pct = Math.max(0, Math.min(1, (score - lo) / (hi - lo))) * 100;
      li.querySelector('.bar span').style.width = `${pct.toFixed(1)}%`;
      meta.textContent =
        `score ${score.toFixed(3)} of ${lo}-${hi} ` +
        `(${scorer.card.output.higherIsBetter ? 'higher' : 'lower'} is better) - ${ms.toFixed(0)} ms on ` +
        `${scorer.device}`;
      Object.assign(li.dataset, { state: 'done', score: String(score), ms: ms.toFixed(2), device: scorer.device });
      demo.results.push({ file: file.name, score, ms, device: scorer.device });
    } catch (err) {
      meta.textContent = `error: ${err?.code ? `${err.code}: ` : ''}${err?.message ?? err}`;
      li.dataset.state = 'error';
      demo.results.push({ file: file.name, error: String(err?.message ?? err), code: err?.code });
    }
  }
}

$('file').addEventListener('change', (e) => {
  const files = [...e.target.files];
  e.target.value = '';
  scoreFiles(files);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  scoreFiles([...e.dataTransfer.files].filter((f) => f.type.startsWith('image/')));
});
deviceSelect.addEventListener('change', () => {
  demo.ready = load();
  demo.ready.catch(() => undefined);
});

demo.ready = load();
demo.ready.catch(() => undefined);
