/** The README's model table is generated from the cards: it must not drift from them. */
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain ESM script without types
import { END, START, zooTable } from '../scripts/zoo-table.mjs';

it('README.md carries the model table generated from models/*/card.json', () => {
  const readme = readFileSync('README.md', 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  expect(a).toBeGreaterThanOrEqual(0);
  expect(readme.slice(a + START.length, b).trim()).toBe(zooTable().trim());
});
