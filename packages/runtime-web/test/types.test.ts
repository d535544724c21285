/**
 * One shared type keeps the runtimes' shapes together: the browser scorer is a core `Scorer`.
 * `npm test` type-checks first, so a drift fails there; the runtime assertion keeps jest honest.
 */
import type { Scorer } from '@iqa-zoo/core';
import type { WebDevice, WebImageInput, WebScorer } from '../src/index.js';
import { WEB_DEVICES } from '../src/index.js';

type Extends<A, B> = [A] extends [B] ? true : false;

test('a WebScorer is a core Scorer and every WebDevice is in the device list (a drift fails type-checking)', () => {
  // `true` is assignable only where the type is `true`: where A extends B.
  const webIsScorer: Extends<WebScorer, Scorer<WebImageInput, WebDevice>> = true;
  const devicesAreWebDevices: Extends<WebDevice, (typeof WEB_DEVICES)[number]> = true;
  expect([webIsScorer, devicesAreWebDevices]).toEqual([true, true]);
});

test('the device list names every WebDevice and auto', () => {
  expect([...WEB_DEVICES].sort()).toEqual(['auto', 'wasm', 'webgpu']);
});
