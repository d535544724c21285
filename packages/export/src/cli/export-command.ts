/**
 * `iqa export --from CKPT --out DIR [--card FILE] [--opset N]`: a tfjs checkpoint folder
 * (model.json + weights) -> `model.onnx`, `model_fp16.onnx` and `card.json` with the sha256 and
 * size of each file. The card is the checkpoint's `card.json`, with the fields of `--card FILE`
 * laid over it when both are given. `--quantize q8 --calibration IMAGES` also writes
 * `model_q8.onnx` (static int8, ranges calibrated on IMAGES); without `--from` it adds that file
 * to the export already in DIR.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { IqaError, isIqaError, secondOutputName, validateCard, type CardFile, type ModelCard } from '@iqa-zoo/core';
import { exportOnnx } from '../export.js';
import { type QuantizeModelOptions, quantizeModel } from '../quantize/quantize-model.js';

export const EXPORT_USAGE =
  'Usage: iqa export --from CKPT --out DIR [--card FILE] [--opset N] [--quantize q8 --calibration IMAGES]\n' +
  `       iqa export --out DIR --quantize q8 --calibration IMAGES

Exports a tfjs checkpoint folder (model.json + weights) to ONNX.
Writes DIR/model.onnx, DIR/model_fp16.onnx and DIR/card.json (with the sha256 of each file).
With --quantize q8 also DIR/model_q8.onnx: int8 weights per output channel and uint8 activations
(QDQ), activation ranges from running DIR/model.onnx on the images in IMAGES. Without --from, DIR
must hold an export already: model_q8.onnx is added to it and to its card.

Options:
  --from CKPT   checkpoint folder written by iqa-zoo training (model.json, weights, optional card.json)
  --out DIR     output folder (created if needed; other files in it are left alone)
  --card FILE   model card JSON; its fields override the checkpoint's card.json
  --opset N     ONNX opset, 13-17 (default 17)
  --quantize q8           also write the int8 variant model_q8.onnx (dtype q8)
  --calibration IMAGES    folder of photos for the activation ranges (not the validation images)
  --calibration-images N  at most N of them, spread over the sorted list (default 64)
  --calibration-crops N   crops per image, the first N of the card's draw (default 8)
  -h, --help    show this help`;

/** Output file names, as transformers.js names dtype variants. */
export const EXPORT_FILES = {
  onnx: 'model.onnx',
  onnxFp16: 'model_fp16.onnx',
  onnxQ8: 'model_q8.onnx',
  card: 'card.json',
} as const;

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
    throw new IqaError(
      'INVALID_CARD',
      `Expected JSON in ${what} ${file} but could not parse it: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** The checkpoint's card.json with `--card FILE` laid over it. */
async function loadCard(from: string, cardFile: string | undefined): Promise<Record<string, unknown>> {
  const inCheckpoint = await readJson(path.join(from, EXPORT_FILES.card), 'the checkpoint card');
  const given = cardFile === undefined ? undefined : await readJson(cardFile, '--card');
  if (cardFile !== undefined && given === undefined)
    throw new IqaError('INVALID_CARD', `Expected a model card at --card ${cardFile} but the file does not exist`);
  if (!inCheckpoint && !given) {
    throw new IqaError(
      'INVALID_CARD',
      `Expected a model card: ${path.join(from, EXPORT_FILES.card)} does not exist and no --card FILE was given`,
    );
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
export async function exportCheckpoint(args: {
  from: string;
  out: string;
  cardFile?: string;
  opset?: number;
}): Promise<ExportResult> {
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
    const options = {
      card: draft,
      inputName: draft.input.name,
      outputName: draft.output.name,
      // NIMA's spread or WaDIQaM-NR's patch weights.
      extraOutputNames: [secondOutputName(draft)].filter((n): n is string => n !== undefined),
      opset: args.opset,
    };
    const fp32 = await exportOnnx(model, options);
    const fp16 = await exportOnnx(model, { ...options, fp16: true });
    const card = validateCard({
      ...draft,
      files: { onnx: describeFile(EXPORT_FILES.onnx, fp32), onnxFp16: describeFile(EXPORT_FILES.onnxFp16, fp16) },
    });
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

/** What `--quantize q8` needs: the photos, and how many of them and of their crops. */
export interface QuantizeArgs extends Pick<QuantizeModelOptions, 'images' | 'crops' | 'onProgress'> {
  calibration: string;
}

/**
 * Adds `model_q8.onnx` to the export in `out`: quantizes its `model.onnx` (checked against the
 * card's sha256) with ranges calibrated on the photos in `calibration`, and lists the file, the
 * calibration set (role `calibration`) and this command on the card.
 *
 * @example
 * const { card } = await addQuantizedVariant({ out: 'models/mobilenetv2-ml-clive', calibration: '/data/pristine' });
 * card.files.onnxQ8; // { path: 'model_q8.onnx', sha256, bytes }
 */
export async function addQuantizedVariant(args: { out: string } & QuantizeArgs): Promise<ExportResult> {
  const raw = await readJson(path.join(args.out, EXPORT_FILES.card), 'the export card');
  if (!raw)
    throw new IqaError(
      'MODEL_NOT_FOUND',
      `Expected an export in ${args.out} (card.json and model.onnx) to quantize but ` +
        `${path.join(args.out, EXPORT_FILES.card)} does not exist; pass --from CKPT to export first`,
    );
  const card = validateCard(raw, path.join(args.out, EXPORT_FILES.card));
  const fp32 = new Uint8Array(await fs.readFile(path.join(args.out, card.files.onnx.path)));
  if (describeFile(card.files.onnx.path, fp32).sha256 !== card.files.onnx.sha256) {
    throw new IqaError(
      'MODEL_INTEGRITY',
      `Expected ${path.join(args.out, card.files.onnx.path)} to match the sha256 on its card but it does not; ` +
        `re-export it before quantizing`,
    );
  }
  const q = await quantizeModel(fp32, card, args.calibration, {
    images: args.images,
    crops: args.crops,
    onProgress: args.onProgress,
  });
  const crops =
    card.input.protocol.kind === 'crops' ? ` x ${Math.min(args.crops ?? 8, card.input.protocol.count)} crops` : '';
  const set = {
    name:
      `${path.basename(path.resolve(args.calibration))}: activation ranges of model_q8.onnx (MinMax over ` +
      `${q.rows} inputs)`,
    role: 'calibration' as const,
    images: q.images.length,
    licence: `${q.images.length} images${crops}; only value ranges are derived from them, none is redistributed`,
  };
  const command =
    `iqa export --out ${args.out} --quantize q8 --calibration ${args.calibration}` +
    `${args.images ? ` --calibration-images ${args.images}` : ''}` +
    `${args.crops ? ` --calibration-crops ${args.crops}` : ''}`;
  const updated = validateCard({
    ...card,
    files: { ...card.files, onnxQ8: describeFile(EXPORT_FILES.onnxQ8, q.bytes) },
    training: {
      ...card.training,
      data: [...card.training.data.filter((d) => d.role !== 'calibration'), set],
      commands: [...card.training.commands.filter((c) => !/^iqa export .*--quantize /.test(c)), command],
    },
  });
  await writeAtomic(path.join(args.out, EXPORT_FILES.onnxQ8), q.bytes);
  await writeAtomic(path.join(args.out, EXPORT_FILES.card), `${JSON.stringify(updated, null, 2)}\n`);
  return { card: updated, files: [path.join(args.out, EXPORT_FILES.onnxQ8), path.join(args.out, EXPORT_FILES.card)] };
}

/** What is wrong with the command line, or undefined. */
function usageProblem(values: {
  from?: string;
  out?: string;
  opset?: string;
  quantize?: string;
  calibration?: string;
  'calibration-images'?: string;
  'calibration-crops'?: string;
}): string | undefined {
  if (!values.out) return `missing --out${values.from || values.quantize ? '' : ' and --from'}`;
  if (!values.from && !values.quantize)
    return 'missing --from (or --quantize q8 to add the int8 variant to the export in --out)';
  if (values.opset !== undefined && !Number.isInteger(Number(values.opset)))
    return `Expected an integer for --opset but received ${JSON.stringify(values.opset)}`;
  if (values.quantize !== undefined && values.quantize !== 'q8')
    return `Expected q8 for --quantize but received ${JSON.stringify(values.quantize)}`;
  if (values.quantize && !values.calibration)
    return 'missing --calibration IMAGES (a folder of photos for the activation ranges) for --quantize q8';
  if (!values.quantize && (values.calibration || values['calibration-images'] || values['calibration-crops']))
    return 'Expected --calibration options only with --quantize q8';
  for (const key of ['calibration-images', 'calibration-crops'] as const) {
    const v = values[key];
    if (v !== undefined && !(Number.isInteger(Number(v)) && Number(v) >= 1))
      return `Expected a positive integer for --${key} but received ${JSON.stringify(v)}`;
  }
  return undefined;
}

/**
 * The `iqa export` command; returns the exit code (0 done, 1 failed, 2 bad usage).
 *
 * @example
 * process.exitCode = await exportCommand(['--from', 'runs/mos/best', '--out', 'models/my-model']);
 */
export async function exportCommand(
  argv: string[],
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Promise<number> {
  let values: {
    from?: string;
    out?: string;
    card?: string;
    opset?: string;
    quantize?: string;
    calibration?: string;
    'calibration-images'?: string;
    'calibration-crops'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        out: { type: 'string' },
        card: { type: 'string' },
        opset: { type: 'string' },
        quantize: { type: 'string' },
        calibration: { type: 'string' },
        'calibration-images': { type: 'string' },
        'calibration-crops': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
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
  const problem = usageProblem(values);
  if (problem) {
    io.err(`iqa export: ${problem}\n\n${EXPORT_USAGE}\n`);
    return 2;
  }
  const opset = values.opset === undefined ? undefined : Number(values.opset);
  const count = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  try {
    const started = Date.now();
    let card: ModelCard | undefined;
    if (values.from)
      ({ card } = await exportCheckpoint({ from: values.from, out: values.out!, cardFile: values.card, opset }));
    if (values.quantize) {
      const onProgress = (done: number, total: number) => {
        if (done === total || done % 16 === 0) io.err(`iqa export: calibrated on ${done}/${total} images\n`);
      };
      ({ card } = await addQuantizedVariant({
        out: values.out!,
        calibration: values.calibration!,
        images: count(values['calibration-images']),
        crops: count(values['calibration-crops']),
        onProgress,
      }));
    }
    card = card!;
    const written = values.from ? [card.files.onnx, card.files.onnxFp16!] : [];
    if (values.quantize) written.push(card.files.onnxQ8!);
    for (const f of written) io.out(`${path.join(values.out!, f.path)}  ${f.bytes} bytes  sha256 ${f.sha256}\n`);
    io.out(
      `${path.join(values.out!, EXPORT_FILES.card)}  (${card.id} ${card.version})\nexported in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } catch (err) {
    const code = isIqaError(err) ? ` [${err.code}]` : '';
    io.err(`iqa export${code}: ${(err as Error).message}\n`);
    return 1;
  }
}
