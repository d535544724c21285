// A training config cut down to the first N CLIVE images of the data folder and one epoch, in a fresh
// temporary folder: for benchmarks that time `iqa train` on a small, fixed workload.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATA } from './data-folder.mjs';

/**
 * Writes `mos.csv` (the header and the first `images` rows of the data folder's clive/mos.csv) and
 * `configFile` with that CSV, clive/ as its root and `"epochs": 1` into a new folder named `prefix...`.
 * Returns the folder (`work`) and the written config's path (`config`, named like `configFile`).
 */
export function cliveSubsetConfig(configFile, images, prefix) {
  const clive = path.join(DATA, 'clive');
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  const lines = readFileSync(path.join(clive, 'mos.csv'), 'utf8').trim().split('\n');
  writeFileSync(path.join(work, 'mos.csv'), `${[lines[0], ...lines.slice(1, images + 1)].join('\n')}\n`);
  const config = {
    ...JSON.parse(readFileSync(configFile, 'utf8')),
    mos: path.join(work, 'mos.csv'),
    root: clive,
    epochs: 1,
  };
  const file = path.join(work, path.basename(configFile));
  writeFileSync(file, JSON.stringify(config));
  return { work, config: file };
}
