/**
 * One shared type keeps the runtimes' shapes together: the browser scorer is a core `Scorer`.
 * `npm test` type-checks first, so a drift fails there; the runtime assertion keeps jest honest.
 */
import type { Scorer } from '@iqa-zoo/core';
import type { WebDevice, WebImageInput, WebScorer } from '../src/index.js';
import { WEB_DEVICES } from '../src/index.js';

type Assert<T extends true> = T;
type Extends<A, B> = [A] extends [B] ? true : false;
export type WebIsScorer = Assert<Extends<WebScorer, Scorer<WebImageInput, WebDevice>>>;
export type DevicesAreWebDevices = Assert<Extends<WebDevice, (typeof WEB_DEVICES)[number]>>;

test('the device list names every WebDevice and auto', () => {
  expect([...WEB_DEVICES].sort()).toEqual(['auto', 'wasm', 'webgpu']);
});
