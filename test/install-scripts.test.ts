/**
 * The install-script policy in the root package.json (`allowScripts`, read by npm >= 11.16 and
 * enforced by npm 12) must name every locked dependency that has an install script, so that a
 * new one is reviewed instead of being listed as "not yet covered" on every `npm install`; and it
 * must keep denying onnxruntime-node's, which downloads CUDA libraries on linux-x64 (docs/cuda.md).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface LockEntry {
  hasInstallScript?: boolean;
}

/** `node_modules/a/node_modules/@s/b` -> `@s/b`. */
function packageName(lockPath: string): string {
  return lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };

it('allowScripts names every locked package that has an install script', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path.includes('node_modules/') && entry.hasInstallScript === true)
    .map(([path]) => packageName(path));
  expect(withScripts.length).toBeGreaterThan(0);
  const unreviewed = [...new Set(withScripts)].filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean');
  expect(unreviewed).toEqual([]);
});

it("allowScripts denies onnxruntime-node's install script (its CUDA download)", () => {
  expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
});

it('packageName reads scoped and nested lock paths', () => {
  expect(packageName('node_modules/@swc/core')).toBe('@swc/core');
  expect(packageName('node_modules/onnx-proto/node_modules/protobufjs')).toBe('protobufjs');
});

it(
  'npm runs in this repository without a warning ' + '(no project config npm does not know, such as a .npmrc skip key)',
  () => {
    const r = spawnSync('npm', ['prefix'], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  },
);
