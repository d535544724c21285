/**
 * Where onnxruntime-web's WASM loses time against onnxruntime-node on the CPU, on one thread, with the
 * same model and the same input tensor (issue 7's speed target). No runtime-web or preprocessing code
 * runs here: only the two ONNX Runtimes on one NCHW batch of crops.
 *
 *   npm run bench:kernels -w @iqa-zoo/runtime-web -- [--model DIR] [--batch 8] [--rounds 5] [--no-options] \
 *     [--no-browser] [--no-profile]
 *
 * --model: a model folder (default: the zoo's default, models/index.json). The batch is --batch crops of
 * the card's crop size (the card's protocol runs `count` crops per image in one batch).
 * Three parts, results in test-output/bench-wasm-kernels.json:
 *  1. session options: onnxruntime-node (1 intra-op thread, graph optimisation 'all' and 'extended')
 *     against onnxruntime-web's Node build (the plain WASM build, 1 thread) with runtime-web's options
 *     and with each of enableCpuMemArena/enableMemPattern off, executionMode 'parallel',
 *     freeDimensionOverrides for the input's free dims (batch, height, width: our exporter's names),
 *     and graphOptimizationLevel disabled/basic/extended.
 *     Every configuration keeps its session; after a warm-up run they take turns, round after round
 *     (each round starting at the next one, so none always runs first), and each one's time is the
 *     median over rounds.
 *     (--no-options skips parts 1 and 2.)
 *  2. the two WASM builds in Chromium (page not isolated, 1 thread): ort.bundle.min.mjs (JSEP, which
 *     onnxruntime-web's default entry and runtime-web use) against ort.wasm.bundle.min.mjs (CPU only).
 *     Then whether Chromium offers WebNN (navigator.ml), by default and with its feature flag.
 *  3. per-operator profiles (enableProfiling) of onnxruntime-node and onnxruntime-web (Node build), both
 *     1 thread, graph optimisation 'all': node count and time per op type after each one's optimiser.
 *  4. the card's crop count in one run against runs of fewer crops (skipped with --no-options).
 *  5. whether onnxruntime-web has an 'xnnpack' provider, and whether its .wasm files use relaxed SIMD.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { launch } from '../../../test/browser/helpers/chromium.js';
import { startDemoServer } from '../demo/server.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    batch: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '5' },
    out: { type: 'string', default: 'test-output/bench-wasm-kernels.json' },
    'no-browser': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    'no-options': { type: 'boolean', default: false },
    'child-web-profile': { type: 'boolean', default: false },
  },
});

interface Card {
  input: { name: string; protocol: { kind: string; size?: number } };
  output: { name: string };
  files: { onnx: { path: string } };
}

const dir = values.model
  ? resolve(values.model)
  : resolve('models', JSON.parse(readFileSync('models/index.json', 'utf8')).default as string);
const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as Card;
const onnxPath = join(dir, card.files.onnx.path);
const bytes = new Uint8Array(readFileSync(onnxPath));
const B = Number(values.batch);
const S = card.input.protocol.size ?? 224;
const dims = [B, 3, S, S];
const rounds = Number(values.rounds);

/** The seeded input batch, values in [0, 1) (the same generator runs in the page, sent as text). */
function makeInput(n: number): Float32Array {
  const data = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s >>> 8) / 16777216;
  }
  return data;
}
const input = makeInput(B * 3 * S * S);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One kept-open configuration: `run()` scores the batch once and returns [ms, first output]. */
interface Config {
  name: string;
  run(): Promise<[number, number]>;
}

// ---- 3 (child half): onnxruntime-web prints its profile to stdout, so a child process runs it.
if (values['child-web-profile']) {
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    enableProfiling: true,
  });
  for (let i = 0; i < 1 + rounds; i++)
    await session.run({ [card.input.name]: new ortWeb.Tensor('float32', input, dims) });
  session.endProfiling();
  // The profile went to stdout, a pipe: wait until it is flushed before exiting.
  await new Promise<void>((ok) => process.stdout.write('', () => ok()));
  process.exit(0);
}

async function nodeConfig(name: string, options: ortNode.InferenceSession.SessionOptions): Promise<Config> {
  const session = await ortNode.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    ...options,
  });
  return {
    name,
    async run() {
      const t0 = performance.now();
      const out = await session.run({ [card.input.name]: new ortNode.Tensor('float32', input, dims) });
      return [performance.now() - t0, (out[card.output.name]!.data as Float32Array)[0]!];
    },
  };
}

async function webConfig(name: string, options: ortWeb.InferenceSession.SessionOptions): Promise<Config> {
  ortWeb.env.wasm.numThreads = 1;
  const session = await ortWeb.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    ...options,
  });
  return {
    name,
    async run() {
      const t0 = performance.now();
      const out = await session.run({ [card.input.name]: new ortWeb.Tensor('float32', input, dims) });
      const v = (out[card.output.name]!.data as Float32Array)[0]!;
      for (const t of Object.values(out)) t.dispose();
      return [performance.now() - t0, v];
    },
  };
}

interface Timing {
  name: string;
  msPerBatch: number;
  msRounds: number[];
  output: number;
}

/**
 * Warm-up once, then `rounds` rounds in turn, each round starting one configuration later, so that
 * none always runs first; the median per configuration.
 */
async function measure(configs: Config[]): Promise<Timing[]> {
  const ms = configs.map(() => [] as number[]);
  const outs = configs.map(() => 0);
  for (const [k, c] of configs.entries()) outs[k] = (await c.run())[1];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < configs.length; i++) {
      const k = (r + i) % configs.length;
      ms[k]!.push((await configs[k]!.run())[0]);
    }
    console.log(
      `round ${r + 1}/${rounds}: ${configs.map((c, k) => `${c.name} ${ms[k]!.at(-1)!.toFixed(0)}`).join(', ')}`,
    );
  }
  return configs.map((c, k) => ({ name: c.name, msPerBatch: median(ms[k]!), msRounds: ms[k]!, output: outs[k]! }));
}

function table(rows: Timing[], base: Timing): string {
  const lines = [
    '| configuration | ms per batch (median) | vs onnxruntime-node 1 thread | first output |',
    '|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.name} | ${r.msPerBatch.toFixed(1)} | ${(r.msPerBatch / base.msPerBatch).toFixed(2)}x | ` +
        `${r.output.toFixed(6)} |`,
    );
  return lines.join('\n');
}

const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  model: dir,
  batch: dims,
  rounds,
  loadavgStart: loadavg(),
};
console.log(
  `model ${dir}; batch ${dims.join('x')}; ${rounds} rounds; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

// ---- 1: session options.
const configs: Config[] = values['no-options']
  ? []
  : [
      await nodeConfig('onnxruntime-node, opt all', { graphOptimizationLevel: 'all' }),
      await nodeConfig('onnxruntime-node, opt extended (no NCHWc layout)', { graphOptimizationLevel: 'extended' }),
      await webConfig('onnxruntime-web, runtime-web options (opt all)', {}),
      await webConfig('web, enableCpuMemArena false', { enableCpuMemArena: false }),
      await webConfig('web, enableMemPattern false', { enableMemPattern: false }),
      await webConfig("web, executionMode 'parallel'", { executionMode: 'parallel' }),
      await webConfig(`web, freeDimensionOverrides batch=${B}, height=width=${S}`, {
        freeDimensionOverrides: { batch: B, height: S, width: S },
      }),
      await webConfig('web, opt extended', { graphOptimizationLevel: 'extended' }),
      await webConfig('web, opt basic', { graphOptimizationLevel: 'basic' }),
      await webConfig('web, opt disabled', { graphOptimizationLevel: 'disabled' }),
    ];
if (configs.length) {
  const options = await measure(configs);
  console.log(`\n${table(options, options[0]!)}\n`);
  report.sessionOptions = options;
}

// ---- 2: JSEP against the CPU-only WASM build, in Chromium, 1 thread.
if (!values['no-browser'] && configs.length) {
  const require = createRequire(import.meta.url);
  const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  const server = await startDemoServer({
    port: 0,
    quiet: true,
    mounts: { '/ort/': ortDist, '/model/': dirname(onnxPath), '/': resolve('packages/runtime-web/demo') },
  });
  const browser = await launch();
  const pages: Config[] = [];
  for (const [name, file] of [
    ['Chromium ort.bundle.min.mjs (JSEP build), 1 thread', 'ort.bundle.min.mjs'],
    ['Chromium ort.wasm.bundle.min.mjs (CPU-only build), 1 thread', 'ort.wasm.bundle.min.mjs'],
  ] as const) {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}?isolated=0`);
    await page.evaluate(
      async ({ file, model, dims, make }) => {
        const ort = await import(`/ort/${file}`);
        ort.env.wasm.numThreads = 1;
        const w = window as unknown as Record<string, unknown>;
        w.session = await ort.InferenceSession.create(`/model/${model}`, {
          executionProviders: ['wasm'],
          graphOptimizationLevel: 'all',
        });
        w.input = new ort.Tensor(
          'float32',
          (new Function(`return ${make}`)() as (n: number) => Float32Array)(dims.reduce((a, b) => a * b, 1)),
          dims,
        );
      },
      { file, model: card.files.onnx.path, dims, make: makeInput.toString() },
    );
    pages.push({
      name,
      run: () =>
        page.evaluate(
          async ({ inName, outName }) => {
            const w = window as unknown as {
              session: { run(f: unknown): Promise<Record<string, { data: Float32Array }>> };
              input: unknown;
            };
            const t0 = performance.now();
            const out = await w.session.run({ [inName]: w.input });
            return [performance.now() - t0, out[outName]!.data[0]!] as [number, number];
          },
          { inName: card.input.name, outName: card.output.name },
        ),
    });
  }
  const builds = await measure([configs[0]!, configs[2]!, ...pages]);
  console.log(`\n${table(builds, builds[0]!)}\n`);
  report.builds = builds;
  await browser.close();
  // WebNN (onnxruntime-web's 'webnn' provider) needs navigator.ml: by default, and behind Chromium's feature flag.
  const webnn: Record<string, string> = {};
  for (const flags of [[], ['--enable-features=WebMachineLearningNeuralNetwork']]) {
    const b = await launch(flags);
    const page = await b.context.newPage();
    await page.goto(`${server.url}demo.css`);
    webnn[flags.join(' ') || 'default flags'] = await page.evaluate(async () => {
      const ml = (navigator as unknown as { ml?: { createContext(o: unknown): Promise<unknown> } }).ml;
      if (!ml) return 'navigator.ml is missing';
      try {
        await ml.createContext({ deviceType: 'cpu' });
        return "createContext({ deviceType: 'cpu' }) succeeded";
      } catch (err) {
        return `createContext({ deviceType: 'cpu' }) failed: ${(err as Error).message}`;
      }
    });
    await b.close();
  }
  for (const [flags, what] of Object.entries(webnn)) console.log(`WebNN in Chromium (${flags}): ${what}`);
  report.webnn = webnn;
  await server.close();
}

// ---- 4: the card's crops in one run or split into smaller runs (runtime-web could split the batch).
if (!values['no-options']) {
  const count = (card.input.protocol as { count?: number }).count ?? B;
  const all = makeInput(count * 3 * S * S);
  const chunked = (
    name: string,
    chunk: number,
    runOnce: (data: Float32Array, d: number[]) => Promise<number>,
  ): Config => ({
    name: `${name}, ${count} crops in runs of ${chunk}`,
    async run() {
      const t0 = performance.now();
      let first = Number.NaN;
      for (let i = 0; i < count; i += chunk) {
        const n = Math.min(chunk, count - i);
        const v = await runOnce(all.subarray(i * 3 * S * S, (i + n) * 3 * S * S), [n, 3, S, S]);
        if (i === 0) first = v;
      }
      return [performance.now() - t0, first];
    },
  });
  ortWeb.env.wasm.numThreads = 1;
  const node = await ortNode.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const web = await ortWeb.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const runNode = async (data: Float32Array, d: number[]) =>
    (
      (await node.run({ [card.input.name]: new ortNode.Tensor('float32', data, d) }))[card.output.name]!
        .data as Float32Array
    )[0]!;
  const runWeb = async (data: Float32Array, d: number[]) =>
    (
      (await web.run({ [card.input.name]: new ortWeb.Tensor('float32', data, d) }))[card.output.name]!
        .data as Float32Array
    )[0]!;
  const sizes = [...new Set([count, Math.ceil(count / 6), 1])];
  const chunks = await measure(
    sizes.flatMap((c) => [chunked('onnxruntime-node', c, runNode), chunked('onnxruntime-web', c, runWeb)]),
  );
  console.log(`\n${table(chunks, chunks[0]!).replace('ms per batch', `ms per ${count} crops`)}\n`);
  report.chunks = chunks;
}

// ---- 5: other CPU paths: onnxruntime-web's XNNPACK provider, and relaxed SIMD in the shipped .wasm.
{
  const other: Record<string, string> = {};
  try {
    await ortWeb.InferenceSession.create(bytes, { executionProviders: ['xnnpack'] });
    other.xnnpack = 'session created';
  } catch (err) {
    other.xnnpack = `failed: ${(err as Error).message}`;
  }
  // f32x4.relaxed_madd in a one-function module: tells whether this engine accepts relaxed SIMD at all.
  const code = [0x00, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 0x02, 0x0b];
  const relaxedModule = new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    1,
    8,
    1,
    0x60,
    3,
    0x7b,
    0x7b,
    0x7b,
    1,
    0x7b,
    3,
    2,
    1,
    0,
    10,
    code.length + 2,
    1,
    code.length,
    ...code,
  ]);
  const engineRelaxed = WebAssembly.validate(relaxedModule);
  const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jsep.wasm']) {
    const valid = WebAssembly.validate(readFileSync(join(ortDist, f)));
    other[f] = engineRelaxed
      ? `valid: ${valid} (this engine accepts relaxed SIMD, so this says nothing about it; run under Node 20)`
      : `valid: ${valid} under an engine that rejects relaxed SIMD (V8 ${process.versions.v8}), so ` +
        `${valid ? 'it holds no relaxed SIMD instruction' : 'inconclusive'}`;
  }
  for (const [k, v] of Object.entries(other)) console.log(`${k}: ${v}`);
  report.otherPaths = other;
}

// ---- 3: per-operator profiles.
interface Event {
  cat: string;
  name: string;
  dur: number;
  ts: number;
  args?: { op_name?: string; provider?: string; input_type_shape?: Array<Record<string, number[]>> };
}

/** Conv and FusedConv split by kind, from the weight's shape [out, in / group, kh, kw]. */
function opKey(e: Event): string {
  const op = e.args!.op_name!;
  if (op !== 'Conv' && op !== 'FusedConv') return op;
  const w = Object.values(e.args!.input_type_shape?.[1] ?? {})[0] ?? [];
  const kind = w[2] === 1 && w[3] === 1 ? '1x1' : w[1] === 1 ? `depthwise ${w[2]}x${w[3]}` : `${w[2]}x${w[3]}`;
  return `${op} ${kind}`;
}

/** Per op type: distinct nodes and mean µs per run, after the first (warm-up) run. */
function perOp(events: Event[]): Map<string, { nodes: Set<string>; us: number }> {
  const runs = events.filter((e) => e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  if (runs.length < 2)
    throw new Error(`Expected a profile of at least 2 runs but received ${runs.length} (${events.length} events)`);
  const after = runs[0]!.ts + runs[0]!.dur;
  const out = new Map<string, { nodes: Set<string>; us: number }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    const op = opKey(e);
    const row = out.get(op) ?? { nodes: new Set(), us: 0 };
    row.nodes.add(e.name);
    if (e.ts >= after) row.us += e.dur / (runs.length - 1);
    out.set(op, row);
  }
  return out;
}

if (!values['no-profile']) {
  const tmp = mkdtempSync(join(tmpdir(), 'iqa-profile-'));
  const session = await ortNode.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    enableProfiling: true,
    profileFilePrefix: join(tmp, 'node'),
  });
  for (let i = 0; i < 1 + rounds; i++)
    await session.run({ [card.input.name]: new ortNode.Tensor('float32', input, dims) });
  session.endProfiling();
  const nodeFile = readdirSync(tmp).find((f) => f.startsWith('node') && f.endsWith('.json'))!;
  const nodeEvents = JSON.parse(readFileSync(join(tmp, nodeFile), 'utf8')) as Event[];
  const stdout = execFileSync(
    process.execPath,
    [
      process.argv[1]!,
      '--child-web-profile',
      '--batch',
      String(B),
      '--rounds',
      String(rounds),
      ...(values.model ? ['--model', dir] : []),
    ],
    { maxBuffer: 1 << 28, encoding: 'utf8' },
  );
  const webEvents = stdout
    .split('\n')
    .filter((l) => l.startsWith('{"cat"'))
    .map((l) => JSON.parse(l.replace(/,\s*$/, '')) as Event);
  const node = perOp(nodeEvents);
  const web = perOp(webEvents);
  const ops = [...new Set([...node.keys(), ...web.keys()])].sort(
    (a, b) => (web.get(b)?.us ?? 0) - (web.get(a)?.us ?? 0),
  );
  const rows = ops.map((op) => ({
    op,
    nodeNodes: node.get(op)?.nodes.size ?? 0,
    webNodes: web.get(op)?.nodes.size ?? 0,
    nodeMs: (node.get(op)?.us ?? 0) / 1000,
    webMs: (web.get(op)?.us ?? 0) / 1000,
  }));
  const total = (m: typeof node) => [...m.values()].reduce((a, r) => a + r.us, 0) / 1000;
  console.log(
    '| op type | nodes (node) | nodes (web) | ms per batch (node) | ms per batch (web) | web / node ' +
      '|\n|---|---|---|---|---|---|',
  );
  for (const r of rows)
    console.log(
      `| ${r.op} | ${r.nodeNodes} | ${r.webNodes} | ${r.nodeMs.toFixed(2)} | ${r.webMs.toFixed(2)} | ` +
        `${r.nodeMs > 0 ? `${(r.webMs / r.nodeMs).toFixed(1)}x` : '-'} |`,
    );
  console.log(
    `| all kernels | ${[...node.values()].reduce((a, r) => a + r.nodes.size, 0)} | ` +
      `${[...web.values()].reduce((a, r) => a + r.nodes.size, 0)} | ${total(node).toFixed(2)} | ` +
      `${total(web).toFixed(2)} | ${(total(web) / total(node)).toFixed(1)}x |`,
  );
  // The same convolutions, whatever each optimiser named them (Conv, FusedConv, NCHWc Conv).
  const kinds = new Map<string, { node: number; web: number }>();
  for (const r of rows) {
    const kind = r.op.replace(/^(Fused)?Conv /, 'conv ');
    const k = kinds.get(kind) ?? { node: 0, web: 0 };
    k.node += r.nodeMs;
    k.web += r.webMs;
    kinds.set(kind, k);
  }
  console.log('\n| kernel kind | ms per batch (node) | ms per batch (web) | web / node |\n|---|---|---|---|');
  for (const [kind, k] of [...kinds].sort((a, b) => b[1].web - a[1].web)) {
    console.log(
      `| ${kind} | ${k.node.toFixed(2)} | ${k.web.toFixed(2)} | ` +
        `${k.node > 0 ? `${(k.web / k.node).toFixed(1)}x` : '-'} |`,
    );
  }
  report.profile = rows;
}

report.loadavgEnd = loadavg();
writeFileSync(resolve(values.out!), `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${values.out}`);
