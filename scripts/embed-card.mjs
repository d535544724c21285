// Embeds a model folder's card.json (without `files`) in each of its ONNX files again, after the
// card was edited without re-exporting (new metrics, presets, datasets), then records the files'
// new sha256 and sizes in card.json. The graphs are copied byte for byte (withOnnxCard).
// Scripts that record a measurement (bench-speed, ranking-check, the runtime-web bench) do this themselves.
// Usage: node scripts/embed-card.mjs MODEL_DIR   (then node scripts/model-packages.mjs)
// Run `npm run build` first (it reads @iqa-zoo/export's dist).
import { embedCard } from './lib/model-card.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('Usage: node scripts/embed-card.mjs MODEL_DIR');
  process.exit(2);
}
for (const line of embedCard(dir)) console.log(line);
