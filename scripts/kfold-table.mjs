// Prints the five-fold table of scripts/kfold.sh (markdown) from the runs' logs: per fold, the head
// step's best SRCC, then the upper-block step's SRCC / PLCC at its best epoch (picked on that fold,
// so optimistic) and at its last epoch (no choice made on the fold), and their means over folds.
// A one-step recipe (cnniqa) has no head column.
// Usage: node scripts/kfold-table.mjs [RECIPE]   RECIPE as in scripts/kfold.sh (scripts/kfold/recipes.json;
// default rank-task). Fold 0 is the model's own run (the recipe's fold0 folders):
// $FOLD0_HEAD and $FOLD0_UPPER override its folders.
import { existsSync, readFileSync } from 'node:fs';
import { loadRecipe } from './kfold/recipe.mjs';

const recipeName = process.argv[2] ?? 'rank-task';
let recipe;
try {
  recipe = loadRecipe(recipeName);
} catch (err) {
  console.error(`kfold-table: ${err.message}`);
  process.exit(2);
}
const twoSteps = recipe.head !== undefined;
const FOLDS = [
  { fold: 0, head: process.env.FOLD0_HEAD ?? recipe.head?.fold0, upper: process.env.FOLD0_UPPER ?? recipe.upper.fold0 },
  ...[1, 2, 3, 4].map((k) => ({
    fold: k,
    head: twoSteps ? `runs/kfold/${recipe.head.configs}${k}` : undefined,
    upper: `runs/kfold/${recipe.upper.configs}${k}`,
  })),
];
// The last step's epochs, from fold 1's config (every fold's is the same).
const EPOCHS = JSON.parse(readFileSync(`configs/kfold/${recipe.upper.configs}1.json`, 'utf8')).epochs;

const logOf = (dir) => {
  if (!dir) return [];
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

// A one-step recipe (cnniqa) has no head column; its one step is called the model.
const step = twoSteps ? 'upper blocks' : 'model';
const cells = (headCell, rest) => `| ${twoSteps ? `${headCell} | ` : ''}${rest} |`;
const stepColumns = `${step}, best epoch: SRCC / PLCC | ${step}, epoch ${EPOCHS}: SRCC / PLCC`;
console.log(`| fold ${cells('head step, best SRCC', stepColumns)}`);
console.log(twoSteps ? '|---|---|---|---|' : '|---|---|---|');
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
  console.log(`| ${fold} ${cells(headText, `${bestText} | ${lastText}`)}`);
  if (complete) done.push({ head: h.length > 0 ? best(h).srcc : Number.NaN, best: best(u), last: u.at(-1) });
}
if (done.length >= 2) {
  const row = (pick) => `${f(mean(done.map(pick)))} (sd ${f(sd(done.map(pick)))})`;
  const rest =
    `${row((d) => d.best.srcc)} / ${f(mean(done.map((d) => d.best.plcc)))} ` +
    `| ${row((d) => d.last.srcc)} / ${f(mean(done.map((d) => d.last.plcc)))}`;
  const headMean = row((d) => d.head);
  console.log(`| mean of ${done.length} ${cells(headMean, rest)}`);
}
