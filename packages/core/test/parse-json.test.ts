import { isIqaError, parseCardJson } from '../src/index.js';

test('parseCardJson returns the parsed value; text that is not JSON is INVALID_CARD naming what it was', () => {
  expect(parseCardJson('{"id":"m","n":[1,2]}', 'card.json')).toEqual({ id: 'm', n: [1, 2] });
  let err: unknown;
  try {
    parseCardJson('{"id":', 'the model card at https://x/m/card.json');
  } catch (e) {
    err = e;
  }
  expect(isIqaError(err, 'INVALID_CARD')).toBe(true);
  expect((err as Error).message).toMatch(
    /^Expected JSON in the model card at https:\/\/x\/m\/card\.json but it did not parse: .+/,
  );
  expect((err as Error).cause).toBeInstanceOf(SyntaxError);
});
