import { IqaError } from '../errors.js';

/**
 * Parses the JSON text of a model card or zoo index, in either runtime: text that is not JSON is
 * `IqaError('INVALID_CARD')` naming what it was (`what`: a path, a URL, a metadata entry).
 *
 * @example
 * const card = validateCard(parseCardJson(text, `the model card at ${url}`), url);
 */
export function parseCardJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new IqaError('INVALID_CARD', `Expected JSON in ${what} but it did not parse: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
