/**
 * Worker-thread entry of the distortion pool: runs `runReferenceTask` for each message and
 * posts the images back, transferring their buffers.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { runReferenceTask, type ReferenceTask } from './reference-task.js';

sharp.concurrency(1); // one libvips thread per worker: the pool is the parallelism

parentPort?.on('message', (msg: { id: number; task: ReferenceTask }) => {
  runReferenceTask(msg.task).then(
    (result) => {
      // own copies: buffers made by sharp may be external (not transferable) or shared
      for (const g of result.groups) g.images = g.images.map((i) => i.slice());
      const transfer = result.groups.flatMap((g) => g.images.map((i) => i.buffer as ArrayBuffer));
      parentPort!.postMessage({ id: msg.id, result }, transfer);
    },
    (err: unknown) => {
      const e = err as { name?: string; message?: string; code?: string };
      parentPort!.postMessage({
        id: msg.id,
        error: { name: e?.name ?? 'Error', message: e?.message ?? String(err), code: e?.code },
      });
    },
  );
});
