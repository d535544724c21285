// The five-fold recipes of scripts/kfold.sh, kfold-pooled.sh and kfold-table.mjs, read from one file
// (scripts/kfold/recipes.json). A recipe is a stage-1 checkpoint ("rank", empty for none) and one or
// two training steps; the last step makes the model that is scored. Each step names its stage, the
// prefix of its configs in configs/kfold/ (fold K: PREFIXK.json, out runs/kfold/PREFIXK) and fold 0's
// run folder (the zoo model's own run; derived, runs/kfold/PREFIX0, in a recipe with "retrainFold0").
// Usage: node scripts/kfold/recipe.mjs RECIPE   prints the recipe as bash assignments (for eval):
//          rank, head_stage, head (empty for a one-step recipe), stage, upper, fold0_upper, and folds
//          (the folds kfold.sh trains: 1-4, or 0-4 for a recipe with "retrainFold0", whose fold 0
//          is trained from configs/kfold/ like the others instead of being the zoo model's own run)
//        node scripts/kfold/recipe.mjs --list   prints each recipe's name and description
// An unknown recipe exits 64 naming the known ones.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RECIPES = JSON.parse(readFileSync(new URL('./recipes.json', import.meta.url), 'utf8'));

/** The recipe called `name` as { rank, head?, upper, about, folds }; throws naming the known recipes. */
export function loadRecipe(name) {
  const recipe = Object.hasOwn(RECIPES, name) ? RECIPES[name] : undefined;
  if (!recipe) {
    throw new Error(`unknown recipe '${name}' (expected one of: ${Object.keys(RECIPES).join(', ')})`);
  }
  // A recipe that retrains fold 0 finds it where kfold.sh trains it, like folds 1-4.
  const steps = recipe.steps.map((step) =>
    recipe.retrainFold0 ? { ...step, fold0: `runs/kfold/${step.configs}0` } : step,
  );
  return {
    about: recipe.about,
    rank: recipe.rank,
    head: steps.length > 1 ? steps[0] : undefined,
    upper: steps.at(-1),
    folds: recipe.retrainFold0 ? [0, 1, 2, 3, 4] : [1, 2, 3, 4],
  };
}

const quote = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2];
  if (name === '--list') {
    for (const [n, r] of Object.entries(RECIPES)) console.log(`  ${n.padEnd(10)} ${r.about}`);
  } else {
    try {
      const { rank, head, upper, folds } = loadRecipe(name ?? 'rank-task');
      const vars = {
        rank,
        head_stage: head?.stage ?? '',
        head: head?.configs ?? '',
        stage: upper.stage,
        upper: upper.configs,
        fold0_upper: upper.fold0,
        folds: folds.join(' '),
      };
      console.log(
        Object.entries(vars)
          .map(([k, v]) => `${k}=${quote(v)}`)
          .join('\n'),
      );
    } catch (err) {
      console.error(`kfold: ${err.message}`);
      process.exit(64);
    }
  }
}
