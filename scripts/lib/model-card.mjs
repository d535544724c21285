// A zoo model folder's card, edited in place: the one way scripts record a measurement on a card and
// keep the card embedded in the folder's ONNX files (and their sha256 and sizes) in step with it.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCard } from '@iqa-zoo/core';
import { withOnnxCard } from '@iqa-zoo/export';

/**
 * Embeds `dir`'s card.json (without `files`) in each of its ONNX files again (the graphs copied byte for
 * byte), then records the files' new sha256 and sizes in card.json. Returns the lines to print.
 */
export function embedCard(dir) {
  const cardPath = join(dir, 'card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8'));
  const lines = [];
  for (const [name, file] of Object.entries(card.files ?? {})) {
    if (!file.path.endsWith('.onnx')) continue;
    const path = join(dir, file.path);
    const bytes = withOnnxCard(readFileSync(path), card);
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
    card.files[name] = { ...file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
    lines.push(`${file.path}: card embedded, ${bytes.length} bytes`);
  }
  writeFileSync(`${cardPath}.tmp`, `${JSON.stringify(card, null, 2)}\n`);
  renameSync(`${cardPath}.tmp`, cardPath);
  return lines;
}

/**
 * Applies `edit` to `dir`'s validated card, validates and writes the result, and embeds it in the ONNX files
 * (`embedCard`), so a measurement recorded by a script never leaves a stale embedded card behind.
 *
 * @example
 * updateCard('models/brisque-clive', (card) => ({ ...card, speed: [...(card.speed ?? []), entry] }));
 */
export function updateCard(dir, edit) {
  const file = join(dir, 'card.json');
  const card = validateCard(JSON.parse(readFileSync(file, 'utf8')), file);
  writeFileSync(file, `${JSON.stringify(validateCard(edit(card), file), null, 2)}\n`);
  return embedCard(dir);
}
