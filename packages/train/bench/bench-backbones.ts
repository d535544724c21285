/**
 * What a feature pass costs per pretrained backbone (issue 5: does `inceptionv3-ml` fit the
 * 60-minute training budget?): load time, and images per second through the frozen trunk
 * (pooled multi-level features, one image per call, as stage 2's feature pass runs) at the
 * network's crop size and on whole 500x500 images (CLIVE's size), in one run.
 *
 *   npx esbuild packages/train/bench/bench-backbones.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=node_modules/.cache/bench-backbones.mjs \
 *   && node node_modules/.cache/bench-backbones.mjs [--networks mobilenetv2-ml,inceptionv3-ml] [--images 6]
 *        [--inputs crop,whole]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { getNetwork, initTfBackend, splitModel } from '@iqa-zoo/train';

const { values } = parseArgs({
  options: {
    networks: { type: 'string', default: 'mobilenetv2-ml,inceptionv3-ml' },
    images: { type: 'string', default: '6' },
    inputs: { type: 'string', default: 'crop,whole' },
  },
});
const images = Number(values.images);
const backend = await initTfBackend({ backend: 'auto' });
console.log(
  `backend ${backend.name}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

interface Row {
  network: string;
  loadSeconds: number;
  rates: Record<string, number>;
}
const rows: Row[] = [];
for (const name of values.networks.split(',')) {
  const spec = getNetwork(name);
  const t0 = performance.now();
  const model = await spec.build({ pooling: ['avg', 'std'] });
  const loadSeconds = (performance.now() - t0) / 1000;
  const trunk = splitModel(model).features;
  const rates: Record<string, number> = {};
  const inputs = values.inputs.split(',');
  const sizes: Array<[string, number]> = [];
  if (inputs.includes('crop')) sizes.push([`crop ${spec.input.cropSize}`, spec.input.cropSize]);
  if (inputs.includes('whole')) sizes.push(['whole 500x500', 500]);
  for (const [label, size] of sizes) {
    const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 7);
    tf.dispose(trunk.predict(x) as tf.Tensor); // warm-up
    const t = performance.now();
    for (let i = 0; i < images; i++) {
      const y = trunk.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
    }
    rates[label] = images / ((performance.now() - t) / 1000);
    x.dispose();
  }
  rows.push({ network: name, loadSeconds, rates });
  console.log(
    `${name}: loaded in ${loadSeconds.toFixed(1)} s; ${Object.entries(rates)
      .map(([k, v]) => `${k}: ${v.toFixed(2)} images/s`)
      .join('; ')}`,
  );
  model.dispose();
}
const [base, ...others] = rows;
for (const r of others) {
  for (const k of Object.keys(r.rates)) {
    const other = k.startsWith('crop') ? Object.keys(base!.rates).find((b) => b.startsWith('crop')) : k;
    if (other === undefined || base!.rates[other] === undefined) continue;
    console.log(
      `${r.network} vs ${base!.network}, ${k} vs ${other}: ${(base!.rates[other]! / r.rates[k]!).toFixed(2)}x the ` +
        `time per image`,
    );
  }
}
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
