import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IqaError, type ModelCard, type ZooIndex, parseZooIndex, validateCard } from '@iqa-zoo/core';

/**
 * The zoo folder: `$IQA_ZOO_MODELS` when set, else the repository's `models/`
 * (this file sits at `packages/runtime-node/{src,dist}/model/`, four levels below the root).
 */
export function zooDir(): string {
  const override = process.env.IQA_ZOO_MODELS;
  if (override) return resolve(override);
  return fileURLToPath(new URL('../../../../models/', import.meta.url));
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new IqaError('MODEL_NOT_FOUND', `Expected ${what} at ${path} but it could not be read (${(err as NodeJS.ErrnoException).code ?? err})`, {
      cause: err,
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new IqaError('INVALID_CARD', `Expected JSON in ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads `models/index.json`: the zoo's model ids and its default.
 *
 * @example
 * const { default: id, models } = await readZooIndex();
 */
export async function readZooIndex(dir = zooDir()): Promise<ZooIndex> {
  return parseZooIndex(await readJson(join(dir, 'index.json'), 'the zoo index (set IQA_ZOO_MODELS to another models folder)'));
}

/** Reads and validates `card.json` in a model folder. */
export async function readCardFile(folder: string): Promise<ModelCard> {
  const path = join(folder, 'card.json');
  return validateCard(await readJson(path, 'a model card'), path);
}

/**
 * Every card in the zoo, in index order, with the default marked.
 *
 * @example
 * for (const { card, isDefault } of await listZooCards()) console.log(card.id, isDefault);
 */
export async function listZooCards(dir = zooDir()): Promise<Array<{ card: ModelCard; isDefault: boolean }>> {
  const index = await readZooIndex(dir);
  return Promise.all(index.models.map(async (id) => ({ card: await readCardFile(join(dir, id)), isDefault: id === index.default })));
}
