// Prints the ablation table (markdown) from the best checkpoints of the runs.
import { readFileSync, existsSync } from 'node:fs';

const RUNS = [
  ['multi-level', 'yes', 'frozen', 'runs/mobilenetv2-ml/finetune-ranked'],
  [
    'multi-level',
    'yes',
    "frozen, 12 crops per image instead of 8 (rows cached at block_15_add, `cacheAt`): the default 0.4.0's head step",
    'runs/mobilenetv2-ml/finetune-head-12crops',
  ],
  [
    'multi-level',
    'yes',
    "frozen, 12 crops, the loss on each image's mean crop score (`imageLoss`, 12 crops)",
    'runs/ablation/head-12crops-imageloss',
  ],
  ['multi-level', 'yes', 'the same, training seed 8 (head seed 2)', 'runs/ablation/head-12crops-imageloss-seed8'],
  [
    'multi-level',
    'yes',
    'the same, the loss on the mean of sets of 4 crops of one image (`imageLoss`, 4 crops)',
    'runs/ablation/head-12crops-imageloss4',
  ],
  ['multi-level', 'yes', 'the same, training seed 8 (head seed 2)', 'runs/ablation/head-12crops-imageloss4-seed8'],
  ['multi-level', 'yes', 'the same, training seed 9 (head seed 3)', 'runs/ablation/head-12crops-imageloss4-seed9'],
  [
    'multi-level',
    'no',
    'frozen, 12 crops, `imageLoss` (4 crops), head from random weights',
    'runs/ablation/head-12crops-imageloss4-norank',
  ],
  [
    'multi-level',
    'no',
    'the same with a hidden layer of 256 ReLU units in the head (`"hidden": 256`)',
    'runs/ablation/head-12crops-imageloss4-hidden256',
  ],
  ['multi-level', 'no', 'frozen', 'runs/ablation/ml-frozen-no-rank'],
  ['single-level', 'yes', 'frozen', 'runs/ablation/sl-frozen-ranked'],
  ['single-level', 'no', 'frozen', 'runs/ablation/sl-frozen-no-rank'],
  ['multi-level', 'no', 'upper blocks (block 16 + Conv_1) trained', 'runs/ablation/ml-upper-no-rank'],
  [
    'multi-level',
    'no',
    'upper blocks trained, 30 epochs (lr x0.3 every 12)',
    'runs/mobilenetv2-ml/finetune-upper-30ep',
  ],
  ['multi-level', 'no', 'the same, training seed 8 (head seed 2)', 'runs/ablation/upper-30ep-seed8'],
  ['multi-level', 'yes', 'upper blocks (block 16 + Conv_1) trained', 'runs/mobilenetv2-ml/finetune-upper-ranked'],
  [
    'multi-level',
    'yes',
    'upper blocks trained; whole image + mirror instead of crops',
    'runs/mobilenetv2-ml/finetune-upper-full-ranked',
  ],
  [
    'multi-level',
    'no',
    'upper blocks trained, + MOS ranking hinge (weight 1, margin 0.1, gap 0.1)',
    'runs/ablation/upper-mos-rank',
  ],
  [
    'multi-level',
    'no',
    'upper blocks trained, head first fitted on the frozen backbone (its best checkpoint as --from)',
    'runs/ablation/upper-from-frozen',
  ],
  [
    'multi-level',
    'yes',
    'upper blocks trained, stage-1 score refit to MOS first (refitScore)',
    'runs/ablation/upper-ranked-refit',
  ],
  [
    'multi-level',
    'yes',
    'upper blocks trained, from the two-stage frozen-backbone model (rank, head on MOS, then upper blocks)',
    'runs/ablation/upper-from-ranked-frozen',
  ],
  [
    'multi-level',
    'yes',
    'the same for 30 epochs (lr x0.3 every 12): `mobilenetv2-ml-upper-clive` 0.3.0',
    'runs/mobilenetv2-ml/finetune-upper-two-stage',
  ],
  [
    'multi-level',
    'yes',
    'the same start for 12 epochs, training seed 8',
    'runs/ablation/upper-from-ranked-frozen-seed8',
  ],
  [
    'multi-level',
    'yes',
    'the same start for 6 epochs (lr x0.3 after 4), 4 crops per image: the default model `mobilenetv2-ml-clive` 0.2.0',
    'runs/mobilenetv2-ml/finetune-upper-6ep',
  ],
  [
    'multi-level',
    'yes',
    'the same 6 epochs on 4 crops, training seed 8 (head seed 2)',
    'runs/ablation/upper-6ep-seed8',
  ],
  [
    'multi-level',
    'yes',
    'the same 6 epochs on 4 crops, training seed 9 (head seed 3)',
    'runs/ablation/upper-6ep-seed9',
  ],
  [
    'multi-level',
    'yes',
    'the same 6 epochs on 12 cached crops per training image: the default model `mobilenetv2-ml-clive` 0.3.0',
    'runs/mobilenetv2-ml/finetune-upper-12crops',
  ],
  ['multi-level', 'yes', 'the same 12 crops, training seed 8 (head seed 2)', 'runs/ablation/upper-6ep-12crops-seed8'],
  ['multi-level', 'yes', 'the same 12 crops, training seed 9 (head seed 3)', 'runs/ablation/upper-6ep-12crops-seed9'],
  [
    'multi-level',
    'yes',
    "4 crops for 18 epochs (lr x0.3 after 12): the 12-crop run's number of steps",
    'runs/ablation/upper-18ep-4crops',
  ],
  [
    'multi-level',
    'yes',
    'the head step on the same 12 crops (rows cached at block_15_add, `cacheAt`), then 10 epochs (lr x0.3 after 7): ' +
      'the default model `mobilenetv2-ml-clive` 0.4.0',
    'runs/mobilenetv2-ml/finetune-upper-12crops-10ep',
  ],
  [
    'multi-level',
    'yes',
    'the same 10 epochs, training seed 8 (head seed 2, both steps)',
    'runs/ablation/upper-10ep-12crops-seed8',
  ],
  [
    'multi-level',
    'yes',
    'the same 10 epochs, training seed 9 (head seed 3, both steps)',
    'runs/ablation/upper-10ep-12crops-seed9',
  ],
  [
    'multi-level',
    'yes',
    "0.4.0's 10 epochs from the 12-crop `imageLoss` head above, with `imageLoss` (12 crops) in step 3 too",
    'runs/ablation/upper-10ep-12crops-imageloss',
  ],
  [
    'multi-level',
    'yes',
    'the same, training seed 8 (head seed 2, both steps)',
    'runs/ablation/upper-10ep-12crops-imageloss-seed8',
  ],
  [
    'multi-level',
    'yes',
    "0.4.0's 10 epochs from the 4-crop `imageLoss` head above, with `imageLoss` (4 crops) in step 3 too",
    'runs/ablation/upper-10ep-12crops-imageloss4',
  ],
  [
    'multi-level',
    'yes',
    'the same, training seed 8 (head seed 2, both steps)',
    'runs/ablation/upper-10ep-12crops-imageloss4-seed8',
  ],
  [
    'multi-level',
    'yes',
    "0.4.0's 10 epochs (loss on crops) from the 4-crop `imageLoss` head above",
    'runs/ablation/upper-10ep-from-imageloss4-head',
  ],
  [
    'multi-level',
    'yes',
    'the same, training seed 8 (head seed 2, both steps)',
    'runs/ablation/upper-10ep-from-imageloss4-head-seed8',
  ],
  [
    'multi-level',
    'yes',
    'the same, training seed 9 (head seed 3, both steps)',
    'runs/ablation/upper-10ep-from-imageloss4-head-seed9',
  ],
  [
    'multi-level',
    'yes',
    "0.4.0's 10 epochs (loss on crops) from the 12-crop `imageLoss` head above",
    'runs/ablation/upper-10ep-from-imageloss-head',
  ],
  [
    'multi-level',
    'yes',
    'the same, training seed 8 (head seed 2, both steps)',
    'runs/ablation/upper-10ep-from-imageloss-head-seed8',
  ],
  [
    'multi-level',
    'yes',
    "0.4.0's model, then its head alone refitted with `imageLoss` (12 crops) on its frozen network, 40 epochs",
    'runs/ablation/head-imageloss-on-upper',
  ],
  [
    'multi-level',
    'yes',
    "0.4.0's 10 epochs, validated and kept as the mean of the weights from epoch 5 on (`averageFrom`, SWA)",
    'runs/ablation/upper-10ep-12crops-swa5',
  ],
  [
    'multi-level',
    'yes',
    "0.2.0's 6 epochs on 4 crops cut at block_12_add (blocks 13-16 + Conv_1 trained)",
    'runs/ablation/upper-6ep-b12',
  ],
  [
    'multi-level',
    'yes, upper blocks trained in stage 1 too',
    'upper blocks (block 16 + Conv_1) trained',
    'runs/mobilenetv2-ml/finetune-upper-rank-upper',
  ],
];
console.log(
  '| features | stage 1 (ranking) | backbone | val SRCC | val PLCC | best epoch ' +
    '| stage-2 training s (features cached) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const [levels, rank, backbone, dir] of RUNS) {
  const file = `${dir}/best/state.json`;
  if (!existsSync(file)) {
    console.log(`| ${levels} | ${rank} | ${backbone} | not run | | | |`);
    continue;
  }
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const last = JSON.parse(readFileSync(`${dir}/last/state.json`, 'utf8'));
  const planned = existsSync(`${dir}/best/training.json`)
    ? JSON.parse(readFileSync(`${dir}/best/training.json`, 'utf8')).config.epochs
    : last.epoch;
  const epochs = last.epoch < planned ? `${last.epoch} (stopped; ${planned} planned)` : `${last.epoch}`;
  console.log(
    `| ${levels} | ${rank} | ${backbone} | ${s.best.srcc.toFixed(4)} | ${s.best.plcc.toFixed(4)} ` +
      `| ${s.bestEpoch} of ${epochs} | ${Math.round(last.wallSeconds)} |`,
  );
}
