/**
 * Feature helpers as child processes (tfjs's wasm backend is one thread per process in Node, so
 * processes are how a feature pass uses more cores). Each runs the built `cli/feature-helper.js`
 * on one shard of the images with the same config, weights and backend as the run it helps, and
 * prints what it did with the cache as one JSON line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TfBackendRequest } from '../backend/select-backend.js';
import { builtScript } from '../io/built-script.js';
import type { TrainConfig } from './config.js';
import type { FeatureShard, ShardCounts, ShardHelper } from './feature-shards.js';

/** What a helper process is asked to do (sent as JSON in its argv). */
export interface FeatureHelperJob {
  stage: TrainConfig['stage'];
  config: TrainConfig;
  /** The checkpoint whose weights the run starts from (stage 2's `--from`). */
  from?: string;
  /** The backend the run itself started: helpers must compute the same numbers. */
  backend: TfBackendRequest;
  shard: FeatureShard;
}

/** The built helper script next to this module's folder, if it exists (not when running .ts sources). */
export function defaultFeatureHelperScript(): string | undefined {
  const url = builtScript('../cli/feature-helper.js', import.meta.url);
  return url && fileURLToPath(url);
}

/**
 * Lines of a helper not forwarded: progress (`label done/total rate/s eta ...`, the run shows its
 * own) and tfjs's banner suggesting tfjs-node, which the run has printed already.
 */
const PROGRESS_LINE = /^\S.* \d+\/\d+ [\d.]+\/s eta |^=+$|^Hi, looks like you are running TensorFlow\.js in Node\.js/;

/** Lines of a crash report that are not its reason (stack frames, Node's version footer). */
const NOT_A_REASON = /^\s+at |^Node\.js v\d|^\s*\^+\s*$/;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Helpers never outlive the run they help (a crash or Ctrl-C of the run stops them too). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill();
  });
}

/**
 * A `ShardHelper` that runs `job` for a shard in a child process of this Node binary, or
 * undefined when no built helper script is found.
 *
 * @example
 * const featureHelper = featureHelperProcess({ stage: 'finetune', config: cfg, from, backend: 'wasm' });
 * await runFinetune(cfg, { from, featureWorkers: 2, featureHelper });
 */
export function featureHelperProcess(
  job: Omit<FeatureHelperJob, 'shard'>,
  script = defaultFeatureHelperScript(),
): ShardHelper | undefined {
  if (!script) return undefined;
  return (shard) =>
    new Promise<ShardCounts>((resolve, reject) => {
      installExitHook();
      const name = `feature helper ${shard.index}/${shard.count}`;
      const child = spawn(process.execPath, [script, JSON.stringify({ ...job, shard } satisfies FeatureHelperJob)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      live.add(child);
      let stdout = '';
      let lastError = '';
      let pending = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        const lines = (pending + d).split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          if (line.trim() === '' || PROGRESS_LINE.test(line)) continue;
          if (!NOT_A_REASON.test(line)) lastError = line;
          process.stderr.write(`${name}: ${line}\n`);
        }
      });
      child.on('error', (err) => {
        live.delete(child);
        reject(err);
      });
      child.on('close', (code, signal) => {
        live.delete(child);
        if (pending.trim() !== '' && !PROGRESS_LINE.test(pending) && !NOT_A_REASON.test(pending)) lastError = pending;
        const last = stdout.trim().split('\n').at(-1) ?? '';
        try {
          if (code !== 0)
            throw new Error(`exited with ${signal ?? `code ${code}`}${lastError ? `: ${lastError}` : ''}`);
          const counts = JSON.parse(last) as ShardCounts;
          if (typeof counts.hits !== 'number' || typeof counts.misses !== 'number')
            throw new Error(`expected a JSON line { hits, misses } but received ${JSON.stringify(last)}`);
          resolve(counts);
        } catch (err) {
          reject(err);
        }
      });
    });
}
