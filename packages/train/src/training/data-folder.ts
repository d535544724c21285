/**
 * The training data folder: the datasets live outside this repository, in one folder a user
 * names with `--data DIR` or `IQA_ZOO_DATA` (else `./data`). A training config's data paths
 * (`refs`, `mos`, `root`) are relative to it; an absolute path is used as it is.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { IqaError } from '@iqa-zoo/core';

/** The environment variable naming the data folder. */
export const DATA_ENV = 'IQA_ZOO_DATA';

/** The layout in one line, for error messages; `iqa data --help` has the long form and the sources. */
export const DATA_LAYOUT_LINE =
  'pristine/ (reference photos, stage 1) and clive/mos.csv with the photos it names under clive/ (stage 2)';

/** Where the data folder is, and how it was chosen (for messages). */
export interface DataFolder {
  dir: string;
  from: string;
}

/**
 * The data folder: `flag` (`--data`), else `$IQA_ZOO_DATA`, else `./data`, as an absolute path.
 *
 * @example
 * dataFolder('/srv/iqa-data'); // { dir: '/srv/iqa-data', from: '--data' }
 */
export function dataFolder(flag?: string, env: NodeJS.ProcessEnv = process.env): DataFolder {
  if (flag) return { dir: path.resolve(flag), from: '--data' };
  const fromEnv = env[DATA_ENV];
  if (fromEnv) return { dir: path.resolve(fromEnv), from: `$${DATA_ENV}` };
  return { dir: path.resolve('data'), from: `default ./data: no --data, no $${DATA_ENV}` };
}

/**
 * Resolves a config's data path against the data folder; throws `DATA_NOT_FOUND`, naming the
 * folder and the layout it should have, when the path is relative and the folder is missing.
 *
 * @example
 * await resolveDataPath('clive/mos.csv', 'mos', dataFolder(), 'configs/mobilenetv2-ml/finetune.json');
 */
export async function resolveDataPath(value: string, key: string, data: DataFolder, file: string): Promise<string> {
  if (path.isAbsolute(value)) return value;
  const isDir = (await fs.stat(data.dir).catch(() => undefined))?.isDirectory() ?? false;
  if (!isDir) {
    throw new IqaError(
      'DATA_NOT_FOUND',
      `Expected a training data folder at ${data.dir} (${data.from}) for "${key}": "${value}" of ${file}, ` +
        'but there is none. ' +
        `Pass --data DIR or set ${DATA_ENV} to a folder holding ${DATA_LAYOUT_LINE}; ` +
        '`iqa data check DIR` says what a folder lacks and `iqa data --help` where to get the data.',
    );
  }
  return path.resolve(data.dir, value);
}
