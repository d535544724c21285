import * as tf from '@tensorflow/tfjs';
import { isIqaError } from '@iqa-zoo/core';
import { initTfBackend, isWasmGradKernelRegistered, WASM_GRAD_KERNEL_NAMES } from '../../src/backend/index.js';

beforeAll(() => {
  tf.env().set('PROD', true); // no "install tfjs-node" banner
});

describe('initTfBackend', () => {
  test("'auto' skips the missing native modules, records why, and starts wasm with the gradient kernels", async () => {
    const info = await initTfBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.reason).toMatch(/@tensorflow\/tfjs-node-gpu: not installed/);
    expect(info.reason).toMatch(/@tensorflow\/tfjs-node: not installed/);
    expect(info.reason).toMatch(/wasm: started \(.*1 thread, 4 gradient kernels/);
    for (const name of WASM_GRAD_KERNEL_NAMES) expect(isWasmGradKernelRegistered(name)).toBe(true);
    // a gradient that tfjs-backend-wasm alone cannot compute
    const dw = tf.tidy(() =>
      tf.grad((w: tf.Tensor) =>
        tf.depthwiseConv2d(tf.ones([1, 5, 5, 2]) as tf.Tensor4D, w as tf.Tensor4D, 2, 'same').sum(),
      )(tf.ones([3, 3, 2, 1])),
    );
    expect(Array.from(dw.dataSync()).slice(0, 2)).toEqual([4, 4]);
    dw.dispose();
  });

  test("'cpu' and 'wasm' start on request, and can be called again", async () => {
    expect(await initTfBackend({ backend: 'cpu' })).toEqual({
      name: 'cpu',
      reason: expect.stringMatching(/^cpu: started/),
    });
    expect((await initTfBackend({ backend: 'wasm', threads: 1 })).name).toBe('wasm');
    expect((await initTfBackend({ backend: 'wasm' })).name).toBe('wasm');
  });

  test("'tensorflow' without tfjs-node throws DEVICE_UNAVAILABLE listing each module", async () => {
    const err: unknown = await initTfBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
    expect(isIqaError(err, 'DEVICE_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(/tfjs-node-gpu: not installed; @tensorflow\/tfjs-node: not installed/);
  });

  test('bad options are RangeErrors that list the allowed values', async () => {
    await expect(initTfBackend({ backend: 'webgpu' as never })).rejects.toThrow(
      "Expected one of 'auto', 'wasm', 'cpu', 'tensorflow' for backend but received \"webgpu\"",
    );
    await expect(initTfBackend({ threads: 0 })).rejects.toThrow(RangeError);
    await expect(initTfBackend({ threads: 1.5 })).rejects.toThrow(
      'Expected an integer from 1 to 8 for threads but received 1.5',
    );
    await expect(initTfBackend({ threads: 9 })).rejects.toThrow(RangeError);
  });
});
