/**
 * Trains the top of a split multi-level network (the head, or the upper blocks and the head) on
 * cached trunk outputs:
 * seeded batches and dropout masks, Adam with decoupled L2 on kernels, a checkpoint after every
 * epoch (atomic), the best epoch kept by a validation metric, and `--resume` that continues a
 * killed run to the same weights an uninterrupted run reaches.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';
import { copyWeightsByName, loadModel } from '../io/model-files.js';
import { hasCheckpoint, readAverage, readCheckpointState, restoreOptimizer, saveCheckpoint } from './checkpoint.js';
import { JsonlLog } from './jsonl-log.js';
import { Progress } from './progress.js';
import { type SplitModel, runOnRows } from './split-model.js';

export interface HeadTrainingSpec {
  stage: string;
  /** The full network; its head layers are the ones trained. */
  model: tf.LayersModel;
  split: SplitModel;
  /** Training features, row-major N x featureSize. */
  features: Float32Array;
  /** Deterministic batches (row indices into `features`) of one epoch. */
  batches: (epoch: number) => number[][];
  /** Splits a batch into micro-batches whose gradients are accumulated (default: the whole batch). */
  microBatches?: (batch: number[]) => number[][];
  /** A micro-batch's weight in the batch's mean loss (default: its rows; ranking: its pairs). */
  lossCount?: (batch: number[]) => number;
  /** Mean loss of one (micro-)batch from its scores [B, 1]. */
  loss: (scores: tf.Tensor, batch: number[]) => tf.Scalar;
  /** Validation metrics; `predict` maps a feature matrix to one score per row. */
  validate: (predict: (x: Float32Array) => Promise<Float32Array>) => Promise<Record<string, number>>;
  /** The metric (from `validate`) that picks the best epoch; higher is better. */
  selectBy: string;
  epochs: number;
  learningRate: number;
  /** Multiply the learning rate by `factor` every `every` epochs. */
  lrDecay?: { every: number; factor: number };
  /**
   * Weight averaging (SWA): from this epoch on (1-based), the trained weights at the end of each
   * epoch join a running mean, and validation and `best/` use the mean; training itself goes on
   * from the raw weights. The best epoch is picked among the averaged epochs only. Absent: no averaging.
   */
  averageFrom?: number;
  weightDecay: number;
  dropout: number;
  seed: number;
  outDir: string;
  resume?: boolean;
  /** Stop after this many epochs in this process (used by tests to simulate a killed run). */
  stopAfter?: number;
  /** Extra files written into every checkpoint (e.g. a draft card). */
  extraFiles?: (state: TrainState) => Record<string, string>;
}

export interface TrainState {
  stage: string;
  /** Epochs completed. */
  epoch: number;
  bestEpoch: number;
  best: Record<string, number> | null;
  seed: number;
  wallSeconds: number;
  /** Epochs in the weight average so far (absent or 0: none). */
  averaged?: number;
}

/** `last/` and `best/` under the run folder. */
export function checkpointDirs(outDir: string): { last: string; best: string; log: string } {
  return { last: path.join(outDir, 'last'), best: path.join(outDir, 'best'), log: path.join(outDir, 'log.jsonl') };
}

function rowsOf(x: Float32Array, rows: number[], f: number): Float32Array {
  const out = new Float32Array(rows.length * f);
  rows.forEach((r, i) => {
    out.set(x.subarray(r * f, (r + 1) * f), i * f);
  });
  return out;
}

/** Scores of the top on cached rows (inference: no dropout), in chunks of about 16 MB. */
export function predictRows(split: SplitModel, x: Float32Array): Promise<Float32Array> {
  return runOnRows(
    split,
    x,
    (rows) => split.forward(rows, 0, null),
    Math.max(1, Math.floor(4_194_304 / split.featureSize)),
  );
}

/** Runs (or resumes) head training; returns the final state. The best weights are in `best/`. */
export async function trainHead(spec: HeadTrainingSpec): Promise<TrainState> {
  const dirs = checkpointDirs(spec.outDir);
  const log = new JsonlLog(dirs.log, { truncate: !spec.resume });
  const { model, split } = spec;
  const f = split.featureSize;
  const optimizer = tf.train.adam(spec.learningRate);
  let state: TrainState = { stage: spec.stage, epoch: 0, bestEpoch: -1, best: null, seed: spec.seed, wallSeconds: 0 };

  if (spec.resume && (await hasCheckpoint(dirs.last))) {
    state = await readCheckpointState<TrainState>(dirs.last);
    const saved = await loadModel(dirs.last);
    copyWeightsByName(saved, model);
    saved.dispose();
    await restoreOptimizer(dirs.last, optimizer);
    log.write({ stage: spec.stage, event: 'resume', epoch: state.epoch });
  }

  const vars = split.vars;
  // The running mean of the weights (averageFrom), in the order of `vars` (saved in that order,
  // as the optimizer's slots are: variable names carry per-process suffixes).
  let average: tf.Tensor[] | null = null;
  if ((state.averaged ?? 0) > 0) {
    const saved = await readAverage(dirs.last);
    const fits =
      saved !== null &&
      saved.length === vars.length &&
      saved.every((w, i) => w.tensor.shape.join() === vars[i]!.shape.join());
    if (!fits) {
      tf.dispose((saved ?? []).map((w) => w.tensor));
      throw new IqaError(
        'CHECKPOINT',
        `Expected the weight average of ${state.averaged} epochs in ${dirs.last} (average.json: ${vars.length} ` +
          'tensors shaped as the trained weights) but ' +
          (saved === null
            ? 'it is missing'
            : `it has ${saved.length} tensors of shapes ${saved.map((w) => `[${w.tensor.shape}]`).join(' ')}`),
      );
    }
    average = saved.map((w) => w.tensor);
  }
  const kernels = vars.filter((v) => /kernel/.test(v.name));
  const forward = (x: tf.Tensor2D, stepSeed: number | null): tf.Tensor => split.forward(x, spec.dropout, stepSeed);

  const predict = (x: Float32Array): Promise<Float32Array> => predictRows(split, x);

  const started = Date.now() - state.wallSeconds * 1000;
  let ranThisProcess = 0;
  while (state.epoch < spec.epochs) {
    if (spec.stopAfter !== undefined && ranThisProcess >= spec.stopAfter) break;
    const epoch = state.epoch;
    const decay = spec.lrDecay ? spec.lrDecay.factor ** Math.floor(epoch / spec.lrDecay.every) : 1;
    (optimizer as unknown as { learningRate: number }).learningRate = spec.learningRate * decay;
    const batches = spec.batches(epoch);
    const progress = new Progress(`${spec.stage} epoch ${epoch + 1}/${spec.epochs}`, batches.length);
    let lossSum = 0;
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      const stepSeed = (spec.seed * 1_000_003 + epoch * 10_007 + b) % 2_147_483_647;
      // Gradient accumulation: each micro-batch's mean loss, weighted by its share of the batch
      // (rows, or ranking pairs), adds up to the batch's mean loss, so memory scales with the
      // micro-batch while the step is the full batch's.
      const parts = spec.microBatches?.(batch) ?? [batch];
      const counts = parts.map((p) => spec.lossCount?.(p) ?? p.length);
      const total = counts.reduce((a, c) => a + c, 0);
      let accumulated: tf.Tensor[] | null = null;
      for (let m = 0; m < parts.length; m++) {
        const part = parts[m]!;
        const x = tf.tensor2d(rowsOf(spec.features, part, f), [part.length, f]);
        const { value, grads } = tf.variableGrads(() => {
          const loss = tf.mul(
            spec.loss(forward(x, parts.length === 1 ? stepSeed : stepSeed + 7919 * (m + 1)), part),
            counts[m]! / total,
          ) as tf.Scalar;
          if (spec.weightDecay <= 0 || m > 0) return loss;
          return tf.add(
            loss,
            tf.mul(spec.weightDecay / 2, tf.addN(kernels.map((k) => tf.sum(tf.square(k))))),
          ) as tf.Scalar;
        }, vars);
        const g = vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
        const next: tf.Tensor[] = accumulated ? accumulated.map((a, i) => tf.add(a, g[i]!)) : g.map((t) => t.clone());
        lossSum += (await value.data())[0]!;
        tf.dispose([x, value, ...Object.values(grads), ...g, ...(accumulated ?? [])]);
        accumulated = next;
      }
      optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: accumulated![i]! })));
      tf.dispose(accumulated!);
      progress.tick(1);
    }
    state.epoch = epoch + 1;
    // Weight averaging: fold this epoch's weights into the mean, and validate (and keep as best) the mean.
    let raw: tf.Tensor[] | null = null;
    if (spec.averageFrom !== undefined && state.epoch >= spec.averageFrom) {
      const k = (state.averaged ?? 0) + 1;
      const next = vars.map((v, i) =>
        tf.tidy(() => (average ? tf.add(average[i]!, tf.div(tf.sub(v, average[i]!), k)) : v.clone())),
      );
      if (average) tf.dispose(average);
      average = next;
      state.averaged = k;
      raw = vars.map((v) => v.clone());
      vars.forEach((v, i) => {
        v.assign(average![i]!);
      });
    }
    const metrics = await spec.validate(predict);
    state.wallSeconds = (Date.now() - started) / 1000;
    const lr = spec.learningRate * decay;
    log.write({
      stage: spec.stage,
      epoch: state.epoch,
      loss: lossSum / batches.length,
      lr,
      ...metrics,
      ...(raw ? { averaged: state.averaged } : {}),
    });
    const selected = metrics[spec.selectBy];
    if (selected === undefined)
      throw new RangeError(
        `Expected validate() to return ${spec.selectBy} but it returned ${Object.keys(metrics).join(', ')}`,
      );
    // The first averaged epoch starts the contest for best/ again, so that best/ only ever holds an
    // average: earlier raw weights (of this run, or of the run whose last/ it continues) do not count.
    const averagingStarts = raw !== null && state.averaged === 1;
    const improved = averagingStarts || state.best === null || selected > state.best[spec.selectBy]!;
    if (improved) {
      state.best = metrics;
      state.bestEpoch = state.epoch;
    }
    const extra = spec.extraFiles?.(state) ?? {};
    if (improved) await saveCheckpoint(dirs.best, model, null, state, extra);
    if (raw) {
      vars.forEach((v, i) => {
        v.assign(raw![i]!);
      });
      tf.dispose(raw);
    }
    await saveCheckpoint(
      dirs.last,
      model,
      optimizer,
      state,
      extra,
      average ? vars.map((v, i) => ({ name: v.name, tensor: average![i]! })) : undefined,
    );
    ranThisProcess++;
  }
  optimizer.dispose();
  if (average) tf.dispose(average);
  return state;
}

/** The loop settings every stage takes from its config and command-line options. */
export function loopOptions(
  cfg: {
    epochs: number;
    learningRate: number;
    lrDecay?: { every: number; factor: number };
    averageFrom?: number;
    weightDecay: number;
    head: { dropout?: number };
    seed: number;
    out: string;
  },
  options: { resume?: boolean; stopAfter?: number },
): Pick<
  HeadTrainingSpec,
  | 'epochs'
  | 'learningRate'
  | 'lrDecay'
  | 'averageFrom'
  | 'weightDecay'
  | 'dropout'
  | 'seed'
  | 'outDir'
  | 'resume'
  | 'stopAfter'
> {
  return {
    epochs: cfg.epochs,
    learningRate: cfg.learningRate,
    lrDecay: cfg.lrDecay,
    averageFrom: cfg.averageFrom,
    weightDecay: cfg.weightDecay,
    dropout: cfg.head.dropout ?? 0.5,
    seed: cfg.seed,
    outDir: cfg.out,
    resume: options.resume,
    stopAfter: options.stopAfter,
  };
}
