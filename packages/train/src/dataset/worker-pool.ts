/**
 * A small pool of worker threads running reference tasks, with an inline fallback (no workers,
 * or when running from TypeScript sources where the worker script is not built).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import 'sharp'; // load libvips on the main thread before any worker (sharp's worker-thread advice)
import { IqaError, type IqaErrorCode } from '@iqa-zoo/core';
import { builtScript } from '../io/built-script.js';
import { runReferenceTask, type ReferenceResult, type ReferenceTask } from './reference-task.js';

/** Runs reference tasks; `workers` is 0 when they run on the calling thread. */
export interface TaskRunner {
  readonly workers: number;
  run(task: ReferenceTask): Promise<ReferenceResult>;
  close(): Promise<void>;
}

/** Options of `createTaskRunner`. */
export interface TaskRunnerOptions {
  /** Worker threads; 0 runs inline. Default: available cores (at least 1). */
  workers?: number;
  /** The worker script (built `distort-worker.js`); default: next to this module. */
  workerUrl?: URL;
}

/** The built worker script next to this module, if it exists (not when running .ts sources). */
export function defaultWorkerUrl(): URL | undefined {
  return builtScript('./distort-worker.js', import.meta.url);
}

function inlineRunner(): TaskRunner {
  return { workers: 0, run: runReferenceTask, close: async () => {} };
}

interface Pending {
  id: number;
  task: ReferenceTask;
  resolve(r: ReferenceResult): void;
  reject(e: unknown): void;
}
interface Slot {
  worker: Worker;
  current?: Pending;
}

function rebuildError(e: { name: string; message: string; code?: string }): Error {
  if (e.name === 'IqaError' && e.code) return new IqaError(e.code as IqaErrorCode, e.message);
  if (e.name === 'RangeError') return new RangeError(e.message);
  if (e.name === 'TypeError') return new TypeError(e.message);
  return new Error(e.message);
}

/**
 * Creates a task runner: a pool of `workers` threads, or inline when 0 or when no built worker
 * script is found. Tasks queue FIFO; results come back with their buffers transferred.
 *
 * @example
 * const runner = createTaskRunner({ workers: 2 });
 * const result = await runner.run({ source: 'a.jpg', groups: [{ type: 'jpeg', levels: [1, 2], seed: 0 }] });
 * await runner.close();
 */
export function createTaskRunner(options: TaskRunnerOptions = {}): TaskRunner {
  const count = options.workers ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`Expected a non-negative integer for workers but received ${String(count)}`);
  const url = options.workerUrl ?? defaultWorkerUrl();
  if (count === 0 || !url) return inlineRunner();

  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  const pump = (): void => {
    for (const slot of slots) {
      if (slot.current || queue.length === 0) continue;
      const job = queue.shift()!;
      slot.current = job;
      slot.worker.ref(); // busy workers keep the process alive; idle ones do not
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
  };
  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(url) };
    slot.worker.on(
      'message',
      (msg: { id: number; result?: ReferenceResult; error?: { name: string; message: string; code?: string } }) => {
        const job = slot.current;
        if (!job || job.id !== msg.id) return;
        slot.current = undefined;
        slot.worker.unref();
        if (msg.error) job.reject(rebuildError(msg.error));
        else job.resolve(msg.result!);
        pump();
      },
    );
    slot.worker.on('error', (err) => {
      const job = slot.current;
      slot.current = undefined;
      job?.reject(new IqaError('INTERNAL', `A distortion worker failed: ${err.message}`, { cause: err }));
      const i = slots.indexOf(slot);
      if (!closed && i >= 0) {
        slots[i] = spawn();
        pump();
      }
    });
    slot.worker.unref();
    return slot;
  };
  for (let i = 0; i < count; i++) slots.push(spawn());

  return {
    workers: count,
    run(task) {
      if (closed) return Promise.reject(new IqaError('INTERNAL', 'The distortion pool is closed'));
      return new Promise<ReferenceResult>((resolve, reject) => {
        queue.push({ id: nextId++, task, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new IqaError('INTERNAL', 'The distortion pool was closed'));
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
