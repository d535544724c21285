import { DEVICES, type NodeDevice, createScorer } from '@iqa-zoo/runtime-node';
import { intFlag, oneOf, parseCommandArgs, threadsFlag } from './args.js';
import { type CliIo, EXIT } from './io.js';
import { loadOptional } from './delegate.js';
import { modelOptions } from './model-options.js';

export const SERVE_USAGE =
  'Usage: iqa serve [--port 8080] [--host 127.0.0.1] [--model ID|PATH] [--device auto|cuda|cpu] ' +
  `[--threads N]
                 [--max-concurrent 16] [--max-scoring N] [--timeout-ms 30000]
                 [--body-limit-mb 20] [--max-files 16] [--max-pixels 50000000] [--log]
  POST /score (raw image body, or multipart/form-data with several images), GET /healthz,
  GET /models, GET /openapi.json. Stops gracefully on SIGTERM/SIGINT.
Limits (docs/deployment.md):
  --max-concurrent N  POST /score requests admitted at once (uploading, queued or scored); one more is
                      answered 503 BUSY with Retry-After: 1 (default 16)
  --max-scoring N     admitted requests scored at once; the others wait in a queue of at most
                      max-concurrent - max-scoring (default 2 on CPU, 8 on CUDA)
  --timeout-ms N      a request not answered this long after its handler started gets 503 TIMEOUT (default 30000)
  --body-limit-mb N   largest body or multipart part, MiB (413 above; default 20)
  --max-files N       most images in one multipart request (413 above; default 16)
  --max-pixels N      largest image, in pixels, refused before decoding (default 50000000)`;

/**
 * `iqa serve`: runs the HTTP scoring service until SIGTERM/SIGINT (or `signal` aborts).
 * Resolves with the exit code after in-flight requests finished.
 *
 * @example
 * await serveCommand(['--port', '8080'], processIo());
 */
export async function serveCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    model: { type: 'string', short: 'm' },
    device: { type: 'string' },
    threads: { type: 'string' },
    'max-concurrent': { type: 'string' },
    'max-scoring': { type: 'string' },
    'max-files': { type: 'string' },
    'body-limit-mb': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'max-pixels': { type: 'string' },
    log: { type: 'boolean' },
  });
  const port = intFlag(values.port, '--port', 8080);
  const host = values.host ?? '127.0.0.1';
  const device = oneOf<NodeDevice>(values.device, DEVICES, '--device', 'auto');
  // The service is an optional peer of @iqa-zoo/cli: only `iqa serve` loads fastify.
  const service = await loadOptional<typeof import('@iqa-zoo/service')>('serve', '@iqa-zoo/service', io);
  if (!service) return EXIT.USAGE;
  const scorer = await createScorer(values.model, {
    ...modelOptions(io),
    device,
    threads: threadsFlag(values.threads),
    maxPixels: intFlag(values['max-pixels'], '--max-pixels', 50_000_000, 1),
    onWarning: (m) => io.stderr.write(`${m}\n`),
  });
  const app = await service.createServer({
    scorer,
    maxConcurrent: intFlag(values['max-concurrent'], '--max-concurrent', 16, 1),
    maxScoring: values['max-scoring'] === undefined ? undefined : intFlag(values['max-scoring'], '--max-scoring', 0, 1),
    maxFiles: intFlag(values['max-files'], '--max-files', 16, 1),
    bodyLimit: intFlag(values['body-limit-mb'], '--body-limit-mb', 20, 1) * 1024 * 1024,
    requestTimeoutMs: intFlag(values['timeout-ms'], '--timeout-ms', 30_000, 1),
    logger: Boolean(values.log),
  });
  const address = await app.listen({ port, host });
  io.stderr.write(
    `iqa serve: model ${scorer.card.id} on ${scorer.device} (${scorer.deviceReason}), listening on ${address}\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  io.stderr.write('iqa serve: shutting down (finishing in-flight requests)\n');
  await app.close();
  await scorer.dispose();
  return EXIT.OK;
}
