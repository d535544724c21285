/**
 * Entry of a feature helper process (see `training/feature-helper-process.ts`): computes the
 * cache entries of one shard of a stage's images, prints `{ "hits", "misses" }` as one JSON line
 * on stdout and exits; exit code 1 with the reason on stderr when it cannot.
 */
import { initTfBackend } from '../backend/select-backend.js';
import type { FinetuneConfig, RankConfig } from '../training/config.js';
import type { FeatureHelperJob } from '../training/feature-helper-process.js';
import { fillFinetuneCache } from '../training/stage-finetune.js';
import { fillRankCache } from '../training/stage-rank.js';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as FeatureHelperJob;
  await initTfBackend({ backend: job.backend });
  const counts =
    job.stage === 'rank'
      ? await fillRankCache(job.config as RankConfig, job.shard)
      : await fillFinetuneCache(job.config as FinetuneConfig, job.from, job.shard);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message ?? String(err)}\n`);
  process.exit(1);
});
