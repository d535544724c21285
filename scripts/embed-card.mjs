// Embeds a model folder's card.json (without `files`) in each of its ONNX files again, after the
// card was edited without re-exporting (new metrics, presets, datasets), then records the files'
// new sha256 and sizes in card.json. The graphs are copied byte for byte (withOnnxCard).
// Usage: node scripts/embed-card.mjs MODEL_DIR   (then node scripts/model-packages.mjs)
// Run `npm run build` first (it reads @iqa-zoo/export's dist).
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withOnnxCard } from '@iqa-zoo/export';

const dir = process.argv[2];
if (!dir) {
  console.error('Usage: node scripts/embed-card.mjs MODEL_DIR');
  process.exit(2);
}
const cardPath = join(dir, 'card.json');
const card = JSON.parse(readFileSync(cardPath, 'utf8'));
for (const [name, file] of Object.entries(card.files ?? {})) {
  if (!file.path.endsWith('.onnx')) continue;
  const path = join(dir, file.path);
  const bytes = withOnnxCard(readFileSync(path), card);
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
  card.files[name] = { ...file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  console.log(`${file.path}: card embedded, ${bytes.length} bytes`);
}
writeFileSync(`${cardPath}.tmp`, `${JSON.stringify(card, null, 2)}\n`);
renameSync(`${cardPath}.tmp`, cardPath);
