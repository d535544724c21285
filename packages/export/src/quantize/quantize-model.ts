/**
 * The q8 variant of an exported model: calibrate on photos the user names, then write QDQ int8.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { IqaError, type ModelCard, type TensorData, chooseProtocol, preprocess } from '@iqa-zoo/core';
import { validateModelProto } from '../graph/validate.js';
import { onnx } from '../onnx/proto.js';
import { type CalibrationMethod, calibrateRanges } from './calibrate.js';
import { type QuantizeOptions, quantizeQdq } from './qdq.js';

/** File endings read as calibration images. */
export const CALIBRATION_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp', '.gif'] as const;

export interface CalibrationSetOptions {
  /** Most images used, spread evenly over the sorted file list (default 64). */
  images?: number;
  /** Crops per image for a crops-protocol card (default 8: the first 8 of the card's draw). */
  crops?: number;
}

export interface QuantizeModelOptions extends CalibrationSetOptions, QuantizeOptions {
  /** onnxruntime intra-op threads for calibration (default 0: onnxruntime's choice). */
  threads?: number;
  /** How calibration runs' ranges combine (default `minmax`). */
  method?: CalibrationMethod;
  /** Called with the images done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface QuantizedModel {
  bytes: Uint8Array;
  /** The calibration images used (paths). */
  images: string[];
  /** Batch rows (crops) the ranges were taken over. */
  rows: number;
}

/**
 * The image files of `dir` (by extension, sorted), `count` of them spread evenly.
 *
 * @example
 * await calibrationFiles('/data/pristine', 64); // 64 paths
 */
export async function calibrationFiles(dir: string, count = 64): Promise<string[]> {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`Expected a positive integer for images but received ${JSON.stringify(count)}`);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    throw new IqaError(
      'DATA_NOT_FOUND',
      `Expected a folder of calibration images at ${dir} but could not read it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const files = names
    .filter((n) => (CALIBRATION_EXTENSIONS as readonly string[]).includes(path.extname(n).toLowerCase()))
    .sort();
  if (files.length === 0)
    throw new IqaError(
      'DATA_NOT_FOUND',
      `Expected calibration images (${CALIBRATION_EXTENSIONS.join(', ')}) in ${dir} but found none`,
    );
  const step = files.length / Math.min(count, files.length);
  return Array.from({ length: Math.min(count, files.length) }, (_, i) => path.join(dir, files[Math.floor(i * step)]!));
}

/**
 * Quantizes the float32 ONNX `fp32` (an export of `card`) to QDQ int8, calibrated on the images
 * in `dir` preprocessed as the card says (the first `crops` crops of its draw).
 *
 * @example
 * const { bytes } = await quantizeModel(await fs.readFile('models/m/model.onnx'), card, '/data/pristine');
 * await fs.writeFile('models/m/model_q8.onnx', bytes);
 */
export async function quantizeModel(
  fp32: Uint8Array,
  card: ModelCard,
  dir: string,
  options: QuantizeModelOptions = {},
): Promise<QuantizedModel> {
  const files = await calibrationFiles(dir, options.images ?? 64);
  const crops = options.crops ?? 8;
  const input =
    card.input.protocol.kind === 'crops'
      ? chooseProtocol(card, { crops: Math.min(crops, card.input.protocol.count) })
      : card.input;
  const model = onnx.ModelProto.decode(fp32);
  const { decodeImage } = await import('@iqa-zoo/image-node');
  let done = 0;
  async function* batches(): AsyncGenerator<TensorData> {
    for (const file of files) {
      yield preprocess(await decodeImage(file), input);
      options.onProgress?.(++done, files.length);
    }
  }
  let rows = 0;
  const ranges = await calibrateRanges(model, batches(), {
    threads: options.threads,
    method: options.method,
    onProgress: (r) => (rows = r),
  });
  const quantized = onnx.ModelProto.fromObject(quantizeQdq(model, ranges, options));
  validateModelProto(quantized);
  return { bytes: onnx.ModelProto.encode(quantized).finish(), images: files, rows };
}
