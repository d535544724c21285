/**
 * Each zoo model is an npm package (models/<id>/package.json, generated from its card by
 * scripts/model-packages.mjs) and a workspace; the default model comes with @iqa-zoo/cli.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_ID, modelPackageName, parseZooIndex } from '@iqa-zoo/core';

const root = join(import.meta.dirname, '..');
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));
const index = parseZooIndex(readJson('models/index.json'));

test('the model packages are what their cards give (node scripts/model-packages.mjs --check)', () => {
  expect(() =>
    execFileSync(process.execPath, [join(root, 'scripts/model-packages.mjs'), '--check'], { stdio: 'pipe' }),
  ).not.toThrow();
});

test.each(index.models)(
  'models/%s is a workspace package named and versioned from its card, shipping its files',
  (id) => {
    const pkg = readJson(`models/${id}/package.json`);
    const card = readJson(`models/${id}/card.json`);
    expect(readJson('package.json').workspaces).toContain(`models/${id}`);
    expect({ name: pkg.name, version: pkg.version }).toEqual({ name: modelPackageName(id), version: card.version });
    // onnx, its dtype variants, a classic model's svr
    const listed = Object.values(card.files as Record<string, { path: string }>).map((f) => f.path);
    expect(pkg.files).toEqual(expect.arrayContaining(['card.json', 'NOTICE.md', ...listed, 'calibration']));
  },
);

test(
  "core's DEFAULT_MODEL_ID is the zoo's default, " + "and @iqa-zoo/cli depends on its package at its card's version",
  () => {
    expect(DEFAULT_MODEL_ID).toBe(index.default);
    const card = readJson(`models/${index.default}/card.json`);
    expect(readJson('packages/cli/package.json').dependencies[modelPackageName(index.default)]).toBe(card.version);
  },
);
