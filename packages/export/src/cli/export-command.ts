/**
 * `iqa export --from CKPT --out DIR [--card FILE] [--opset N]`: a tfjs checkpoint folder
 * (model.json + weights) -> `model.onnx`, `model_fp16.onnx` and `card.json` with the sha256 and
 * size of each file. The card is the checkpoint's `card.json`, with the fields of `--card FILE`
 * laid over it when both are given.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { IqaError, isIqaError, validateCard, type CardFile, type ModelCard } from '@iqa-zoo/core';
import { exportOnnx } from '../export.js';

export const EXPORT_USAGE = `Usage: iqa export --from CKPT --out DIR [--card FILE] [--opset N]

Exports a tfjs checkpoint folder (model.json + weights) to ONNX.
Writes DIR/model.onnx, DIR/model_fp16.onnx and DIR/card.json (with the sha256 of each file).

Options:
  --from CKPT   checkpoint folder written by iqa-zoo training (model.json, weights, optional card.json)
  --out DIR     output folder (created if needed; other files in it are left alone)
  --card FILE   model card JSON; its fields override the checkpoint's card.json
  --opset N     ONNX opset, 13-17 (default 17)
  -h, --help    show this help`;

/** Output file names, as transformers.js names dtype variants. */
export const EXPORT_FILES = { onnx: 'model.onnx', onnxFp16: 'model_fp16.onnx', card: 'card.json' } as const;

async function readJson(file: string, what: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new IqaError('INVALID_CARD', `Expected JSON in ${what} ${file} but could not parse it: ${(err as Error).message}`, { cause: err });
  }
}

/** The checkpoint's card.json with `--card FILE` laid over it. */
async function loadCard(from: string, cardFile: string | undefined): Promise<Record<string, unknown>> {
  const inCheckpoint = await readJson(path.join(from, EXPORT_FILES.card), 'the checkpoint card');
  const given = cardFile === undefined ? undefined : await readJson(cardFile, '--card');
  if (cardFile !== undefined && given === undefined) throw new IqaError('INVALID_CARD', `Expected a model card at --card ${cardFile} but the file does not exist`);
  if (!inCheckpoint && !given) {
    throw new IqaError('INVALID_CARD', `Expected a model card: ${path.join(from, EXPORT_FILES.card)} does not exist and no --card FILE was given`);
  }
  return { ...inCheckpoint, ...given };
}

function describeFile(file: string, bytes: Uint8Array): CardFile {
  return { path: file, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
}

/** Writes `bytes` to `file` through a temporary sibling and a rename, so readers never see half a file. */
async function writeAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, file);
}

export interface ExportResult {
  card: ModelCard;
  files: string[];
}

/**
 * Exports the checkpoint `from` into `out` and returns the final card.
 *
 * @example
 * const { card } = await exportCheckpoint({ from: 'runs/mos/best', out: 'models/iqa-mobilenetv2' });
 */
export async function exportCheckpoint(args: { from: string; out: string; cardFile?: string; opset?: number }): Promise<ExportResult> {
  const base = await loadCard(args.from, args.cardFile);
  // Check everything but the files before the slow part, with a stand-in for the files to come.
  const stand = { path: EXPORT_FILES.onnx, sha256: '0'.repeat(64), bytes: 1 };
  const checked = validateCard({ ...base, files: { onnx: stand } }, `card for ${args.from}`);
  // The card lists every command that made the model: this one too.
  const command = `iqa export --from ${args.from} --out ${args.out}${args.cardFile ? ` --card ${args.cardFile}` : ''}`;
  const commands = checked.training.commands.filter((c) => !c.startsWith('iqa export '));
  const draft: ModelCard = { ...checked, training: { ...checked.training, commands: [...commands, command] } };
  // Loaded on demand: importing @iqa-zoo/export must not start tfjs backends.
  const { initTfBackend, loadModel } = await import('@iqa-zoo/train');
  await initTfBackend({ backend: 'auto' });
  const model = await loadModel(args.from);
  try {
    const options = { card: draft, inputName: draft.input.name, outputName: draft.output.name, opset: args.opset };
    const fp32 = await exportOnnx(model, options);
    const fp16 = await exportOnnx(model, { ...options, fp16: true });
    const card = validateCard({ ...draft, files: { onnx: describeFile(EXPORT_FILES.onnx, fp32), onnxFp16: describeFile(EXPORT_FILES.onnxFp16, fp16) } });
    await fs.mkdir(args.out, { recursive: true });
    const written = [
      [EXPORT_FILES.onnx, fp32],
      [EXPORT_FILES.onnxFp16, fp16],
      [EXPORT_FILES.card, `${JSON.stringify(card, null, 2)}\n`],
    ] as const;
    for (const [name, content] of written) await writeAtomic(path.join(args.out, name), content);
    return { card, files: written.map(([name]) => path.join(args.out, name)) };
  } finally {
    model.dispose();
  }
}

/**
 * The `iqa export` command; returns the exit code (0 done, 1 failed, 2 bad usage).
 *
 * @example
 * process.exitCode = await exportCommand(['--from', 'runs/mos/best', '--out', 'models/my-model']);
 */
export async function exportCommand(argv: string[], io: { out: (s: string) => void; err: (s: string) => void } = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  let values: { from?: string; out?: string; card?: string; opset?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { from: { type: 'string' }, out: { type: 'string' }, card: { type: 'string' }, opset: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    io.err(`iqa export: ${(err as Error).message}\n\n${EXPORT_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${EXPORT_USAGE}\n`);
    return 0;
  }
  const missing = (['from', 'out'] as const).filter((k) => !values[k]);
  const opset = values.opset === undefined ? undefined : Number(values.opset);
  if (missing.length > 0 || (opset !== undefined && !Number.isInteger(opset))) {
    const problem = missing.length > 0 ? `missing ${missing.map((k) => `--${k}`).join(' and ')}` : `Expected an integer for --opset but received ${JSON.stringify(values.opset)}`;
    io.err(`iqa export: ${problem}\n\n${EXPORT_USAGE}\n`);
    return 2;
  }
  try {
    const started = Date.now();
    const { card } = await exportCheckpoint({ from: values.from!, out: values.out!, cardFile: values.card, opset });
    for (const f of [card.files.onnx, card.files.onnxFp16!]) io.out(`${path.join(values.out!, f.path)}  ${f.bytes} bytes  sha256 ${f.sha256}\n`);
    io.out(`${path.join(values.out!, EXPORT_FILES.card)}  (${card.id} ${card.version})\nexported in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (err) {
    const code = isIqaError(err) ? ` [${err.code}]` : '';
    io.err(`iqa export${code}: ${(err as Error).message}\n`);
    return 1;
  }
}
