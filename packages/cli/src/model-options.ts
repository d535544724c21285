import { fileURLToPath } from 'node:url';
import type { DownloadProgress, ModelSourceOptions } from '@iqa-zoo/runtime-node';
import type { CliIo } from './io.js';

/** This package's folder: its own dependencies include the default model's package. */
const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Prints a model download on stderr: a line when it starts, then a percentage redrawn in place
 * on a terminal or a line per quarter elsewhere, and a line when it is done.
 */
export function downloadReporter(io: CliIo): (p: DownloadProgress) => void {
  let shown = -1;
  return ({ url, loaded, total }) => {
    const pct = total > 0 ? Math.floor((loaded / total) * 100) : 0;
    if (shown < 0) io.stderr.write(`iqa: downloading ${url} (${(total / 1024 / 1024).toFixed(1)} MB)\n`);
    const step = io.stderrIsTTY ? 1 : 25;
    if (Math.floor(pct / step) > Math.floor(shown / step) || shown < 0) {
      io.stderr.write(io.stderrIsTTY ? `\r  ${pct}%` : `  ${pct}%\n`);
    }
    shown = pct;
    if (loaded >= total) io.stderr.write(`${io.stderrIsTTY ? '\n' : ''}iqa: downloaded ${url}\n`);
  };
}

/**
 * Where the commands look for models: installed model packages in the working directory's project
 * first, then this package's own dependencies (the default model comes with `@iqa-zoo/cli`);
 * downloads are reported on stderr.
 */
export function modelOptions(io: CliIo): ModelSourceOptions {
  return { paths: [process.cwd(), CLI_DIR], onProgress: downloadReporter(io) };
}
