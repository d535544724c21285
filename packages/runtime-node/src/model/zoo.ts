import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  DEFAULT_MODEL_ID,
  IqaError,
  type ModelCard,
  type ZooIndex,
  modelPackageName,
  parseCardJson,
  parseZooIndex,
  validateCard,
} from '@iqa-zoo/core';

/** Where zoo ids are looked up (see `loadModel` for the order). */
export interface ZooOptions {
  /**
   * Folders to resolve installed model packages (`@iqa-zoo/model-<id>`) from, as Node resolves
   * imports from a file in that folder; first match wins. Default: `[process.cwd()]`, the user's project.
   */
  paths?: string[];
  /** A zoo folder: `index.json` and one folder per id (default `$IQA_ZOO_MODELS`). */
  zooDir?: string;
}

/**
 * The zoo folder from `IQA_ZOO_MODELS` (or the option), or undefined when none is set.
 *
 * @example
 * process.env.IQA_ZOO_MODELS = './models'; zooDir(); // '/abs/path/models'
 */
export function zooDir(dir?: string): string | undefined {
  const chosen = dir ?? process.env.IQA_ZOO_MODELS;
  return chosen ? resolve(chosen) : undefined;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new IqaError(
      'MODEL_NOT_FOUND',
      `Expected ${what} at ${path} but it could not be read (${(err as NodeJS.ErrnoException).code ?? err})`,
      {
        cause: err,
      },
    );
  }
  return parseCardJson(text, path);
}

/**
 * Reads a zoo folder's `index.json`: its model ids and its default.
 *
 * @example
 * const { default: id, models } = await readZooIndex('./models');
 */
export async function readZooIndex(dir: string): Promise<ZooIndex> {
  return parseZooIndex(
    await readJson(join(dir, 'index.json'), 'the zoo index (IQA_ZOO_MODELS names a folder with index.json)'),
  );
}

/** Reads and validates `card.json` in a model folder. */
export async function readCardFile(folder: string): Promise<ModelCard> {
  const path = join(folder, 'card.json');
  return validateCard(await readJson(path, 'a model card'), path);
}

/**
 * The folder of the installed package `@iqa-zoo/model-<id>`, resolved as an import from a file in
 * each of `paths` (the user's project by default), or undefined when it is not installed.
 *
 * @example
 * findModelPackage('mobilenetv2-ml-clive'); // '/my/app/node_modules/@iqa-zoo/model-mobilenetv2-ml-clive'
 */
export function findModelPackage(id: string, paths: string[] = [process.cwd()]): string | undefined {
  for (const from of paths) {
    try {
      return dirname(createRequire(join(resolve(from), 'noop.js')).resolve(`${modelPackageName(id)}/card.json`));
    } catch {
      // Not installed where `from` can see it.
    }
  }
  return undefined;
}

/** Ids of the model packages installed in a `node_modules` of each of `paths` or a folder above. */
async function installedModelIds(paths: string[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const from of paths) {
    for (let dir = resolve(from); ; dir = dirname(dir)) {
      const names = await readdir(join(dir, 'node_modules', '@iqa-zoo')).catch(() => [] as string[]);
      for (const name of names) if (name.startsWith('model-')) ids.add(name.slice('model-'.length));
      if (dirname(dir) === dir) break;
    }
  }
  return [...ids].sort();
}

/**
 * Every model that `loadModel` can find by id without a download, in order (the default first),
 * with the default marked: the `IQA_ZOO_MODELS` zoo when set, else the installed model packages.
 *
 * @example
 * for (const { card, isDefault } of await listZooCards()) console.log(card.id, isDefault);
 */
export async function listZooCards(options: ZooOptions = {}): Promise<Array<{ card: ModelCard; isDefault: boolean }>> {
  const dir = zooDir(options.zooDir);
  if (dir) {
    const index = await readZooIndex(dir);
    return Promise.all(
      index.models.map(async (id) => ({ card: await readCardFile(join(dir, id)), isDefault: id === index.default })),
    );
  }
  const paths = options.paths ?? [process.cwd()];
  const ids = (await installedModelIds(paths)).sort(
    (a, b) => Number(b === DEFAULT_MODEL_ID) - Number(a === DEFAULT_MODEL_ID),
  );
  const found = ids.flatMap((id) => {
    const folder = findModelPackage(id, paths);
    return folder ? [{ id, folder }] : [];
  });
  return Promise.all(
    found.map(async ({ id, folder }) => ({ card: await readCardFile(folder), isDefault: id === DEFAULT_MODEL_ID })),
  );
}
