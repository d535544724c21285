// Prints the five-fold table of scripts/kfold.sh (markdown) from the runs' logs: per fold, the head
// step's best SRCC, then the upper-block step's SRCC / PLCC at its best epoch (picked on that fold,
// so optimistic) and at its last epoch (no choice made on the fold), and their means over folds.
// Usage: node scripts/kfold-table.mjs [RECIPE]   RECIPE as in scripts/kfold.sh: rank-task (default),
// rank-grey, mos-only or nima. Fold 0 is the model's own run (the default model's; runs/nima/ for nima):
// $FOLD0_HEAD and $FOLD0_UPPER override its folders.
import { existsSync, readFileSync } from 'node:fs';

const RECIPES = {
  'rank-task': {
    head: ['runs/mobilenetv2-ml/finetune-head-12crops-wide', 'head-wide-fold'],
    upper: ['runs/mobilenetv2-ml/finetune-upper-rank-task', 'upper-rank-task-fold'],
  },
  'rank-grey': {
    head: ['runs/mobilenetv2-ml/finetune-head-12crops-wide', 'head-wide-fold'],
    upper: ['runs/mobilenetv2-ml/finetune-upper-rank-grey', 'upper-rank-grey-fold'],
  },
  'mos-only': {
    head: ['runs/mobilenetv2-ml/finetune-head-12crops', 'head-fold'],
    upper: ['runs/mobilenetv2-ml/finetune-upper-12crops-10ep', 'upper-fold'],
  },
  nima: {
    head: ['runs/nima/head-12crops', 'nima-head-fold'],
    upper: ['runs/nima/upper-12crops-10ep', 'nima-upper-fold'],
  },
};
const recipeName = process.argv[2] ?? 'rank-task';
const recipe = RECIPES[recipeName];
if (!recipe) {
  console.error(`kfold-table: unknown recipe '${recipeName}' (expected one of: ${Object.keys(RECIPES).join(', ')})`);
  process.exit(2);
}
const FOLDS = [
  { fold: 0, head: process.env.FOLD0_HEAD ?? recipe.head[0], upper: process.env.FOLD0_UPPER ?? recipe.upper[0] },
  ...[1, 2, 3, 4].map((k) => ({
    fold: k,
    head: `runs/kfold/${recipe.head[1]}${k}`,
    upper: `runs/kfold/${recipe.upper[1]}${k}`,
  })),
];
const EPOCHS = 10;

const logOf = (dir) => {
  const file = `${dir}/log.jsonl`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.srcc !== undefined);
};
// A resumed run logs an epoch again: keep the last line of each epoch.
const byEpoch = (rows) => [...new Map(rows.map((r) => [r.epoch, r])).values()].sort((a, b) => a.epoch - b.epoch);
const best = (rows) => rows.reduce((a, r) => (r.srcc > a.srcc ? r : a));
const f = (v) => v.toFixed(4);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

console.log(
  '| fold | head step, best SRCC | upper blocks, best epoch: SRCC / PLCC | upper blocks, epoch 10: SRCC / PLCC |',
);
console.log('|---|---|---|---|');
const done = [];
for (const { fold, head, upper } of FOLDS) {
  const h = byEpoch(logOf(head));
  const u = byEpoch(logOf(upper));
  const complete = u.length > 0 && u.at(-1).epoch === EPOCHS;
  const headText = h.length > 0 ? f(best(h).srcc) : 'not run';
  const bestText = u.length > 0 ? `${f(best(u).srcc)} / ${f(best(u).plcc)} (epoch ${best(u).epoch})` : 'not run';
  const lastText = complete
    ? `${f(u.at(-1).srcc)} / ${f(u.at(-1).plcc)}`
    : u.length > 0
      ? `running (epoch ${u.at(-1).epoch} of ${EPOCHS})`
      : 'not run';
  console.log(`| ${fold} | ${headText} | ${bestText} | ${lastText} |`);
  if (complete) done.push({ head: best(h).srcc, best: best(u), last: u.at(-1) });
}
if (done.length >= 2) {
  const row = (pick) => `${f(mean(done.map(pick)))} (sd ${f(sd(done.map(pick)))})`;
  console.log(
    `| mean of ${done.length} | ${row((d) => d.head)} ` +
      `| ${row((d) => d.best.srcc)} / ${f(mean(done.map((d) => d.best.plcc)))} ` +
      `| ${row((d) => d.last.srcc)} / ${f(mean(done.map((d) => d.last.plcc)))} |`,
  );
}
