/**
 * @iqa-zoo/cli: the `iqa` command line (score, models, eval, serve; distort, train and export from
 * @iqa-zoo/train and @iqa-zoo/export when they are installed).
 */

// Running the command line
export { runCli, USAGE } from './run-cli.js';
export { EXIT, reportFailure } from './exit-codes.js';

// Commands, callable on their own
export { scoreCommand, formatRow, SCORE_USAGE } from './score-command.js';
export { evalCommand, EVAL_USAGE } from './eval-command.js';
export { modelsCommand, renderTable, MODELS_USAGE } from './models-command.js';
export { dataCommand, checkDataFolder, DATA_USAGE } from './data-command.js';
export type { DataCheck } from './data-command.js';
export { expandInputs, IMAGE_EXTENSIONS } from './expand-inputs.js';
export { runDelegated, loadOptional, DELEGATES } from './delegate.js';
export { serveCommand, SERVE_USAGE } from './serve-command.js';
export { workerCommand, WORKER_USAGE } from './worker-command.js';
export { enqueueCommand, ENQUEUE_USAGE } from './enqueue-command.js';
export { parseCommandArgs, oneOf, intFlag } from './args.js';
export { processIo, UsageError } from './io.js';
export type { CliIo } from './io.js';
export type { DelegatedCommand, DelegateLoader } from './delegate.js';
