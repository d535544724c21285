/**
 * Convolution gradient kernels for tfjs-backend-wasm, built from its fast (XNNPACK) forward convolutions.
 *
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropFilter` or
 * `DepthwiseConv2dNativeBackpropInput`, and its `Conv2DBackpropInput` is a naive loop about 10x slower
 * than the forward convolution. `registerWasmGradKernels` registers all four (replacing the slow one),
 * so `tf.grad`, `optimizer.minimize` and `model.fit` of conv nets run on 'wasm'.
 * Supported: NHWC, any strides, dilation 1, 'same' / 'valid' / numeric / explicit padding,
 * depthwise channel multiplier 1. Anything else throws a `RangeError` naming the attribute.
 */
import * as tf from '@tensorflow/tfjs';
import {
  conv2dFilterGrad,
  conv2dInputGrad,
  depthwiseFilterGrad,
  depthwiseInputGrad,
  type ConvGeometry,
} from './conv-grad-builders.js';
import { withKernelScope, type KernelLookup, type KernelScope } from './kernel-scope.js';

/** The kernels `registerWasmGradKernels` provides, in registration order. */
export const WASM_GRAD_KERNEL_NAMES = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
] as const;

/** One of `WASM_GRAD_KERNEL_NAMES`. */
export type WasmGradKernelName = (typeof WASM_GRAD_KERNEL_NAMES)[number];

/** The kernel registry functions of the tfjs instance to register into (defaults to `@tensorflow/tfjs`). */
export interface KernelRegistry {
  getKernel: typeof tf.getKernel;
  registerKernel: typeof tf.registerKernel;
  unregisterKernel: typeof tf.unregisterKernel;
}

/** What `registerWasmGradKernels` did for each kernel name. */
export interface RegisterGradKernelsResult {
  /** Newly registered (kernels that did not exist, or replaced tfjs' own). */
  readonly registered: WasmGradKernelName[];
  /** tfjs-backend-wasm's own kernels that were unregistered first. */
  readonly replaced: WasmGradKernelName[];
  /** Already ours from an earlier call: left as they are. */
  readonly unchanged: WasmGradKernelName[];
}

const BACKEND_NAME = 'wasm';
/** Marks our kernel functions, so a second registration (even from another copy of this module) is a no-op. */
const MARK = '__iqaZooWasmGradKernel';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
interface ConvGradAttrs {
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}
type Shape4 = [number, number, number, number];

function unsupported(kernel: string, attr: string, allowed: string, received: unknown): RangeError {
  return new RangeError(
    `Expected ${allowed} for ${attr} of ${kernel} on the wasm backend but received ${JSON.stringify(received)}`,
  );
}

function checkAttrs(kernel: WasmGradKernelName, attrs: ConvGradAttrs, multiplier?: number): void {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw unsupported(kernel, 'dataFormat', "'NHWC' (only supported data format)", attrs.dataFormat);
  }
  const d = attrs.dilations;
  const dilationOne = d === undefined || d === 1 || (Array.isArray(d) && d.every((v) => v === 1));
  if (!dilationOne) throw unsupported(kernel, 'dilations', '1 (dilated convolution gradients are not supported)', d);
  if (multiplier !== undefined && multiplier !== 1) {
    throw unsupported(kernel, 'channel multiplier (filter shape[3])', '1 (only supported multiplier)', multiplier);
  }
}

/** Geometry of the original convolution, and a check that `dy` has its output shape. */
function geometry(
  kernel: string,
  xShape: Shape4,
  filterShape: Shape4,
  dyShape: number[],
  attrs: ConvGradAttrs,
  depthwise: boolean,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  const want = info.outShape;
  if (dyShape.length !== 4 || want.some((v, i) => v !== dyShape[i])) {
    throw new RangeError(`Expected dy of shape [${want.join(',')}] for ${kernel} but received [${dyShape.join(',')}]`);
  }
  return {
    height: {
      inSize: info.inHeight,
      filterSize: info.filterHeight,
      outSize: info.outHeight,
      stride: info.strideHeight,
      padBefore: info.padInfo.top,
    },
    width: {
      inSize: info.inWidth,
      filterSize: info.filterWidth,
      outSize: info.outWidth,
      stride: info.strideWidth,
      padBefore: info.padInfo.left,
    },
  };
}

type Build = (scope: KernelScope, a: tf.TensorInfo, b: tf.TensorInfo, g: ConvGeometry) => tf.TensorInfo;

/** A kernel whose inputs are (x, dy) and whose attrs carry `filterShape`. */
function filterGradKernel(
  name: WasmGradKernelName,
  depthwise: boolean,
  build: Build,
  lookup: KernelLookup,
): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ConvGradAttrs;
    const filterShape = a.filterShape as Shape4;
    checkAttrs(name, a, depthwise ? filterShape[3] : undefined);
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const g = geometry(name, x.shape as Shape4, filterShape, dy.shape, a, depthwise);
    return withKernelScope(backend as tf.KernelBackend, lookup, (scope) => build(scope, x, dy, g));
  };
}

/** A kernel whose inputs are (dy, filter) and whose attrs carry `inputShape`. */
function inputGradKernel(
  name: WasmGradKernelName,
  depthwise: boolean,
  build: Build,
  lookup: KernelLookup,
): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as ConvGradAttrs;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const filterShape = filter.shape as Shape4;
    checkAttrs(name, a, depthwise ? filterShape[3] : undefined);
    const g = geometry(name, a.inputShape as Shape4, filterShape, dy.shape, a, depthwise);
    return withKernelScope(backend as tf.KernelBackend, lookup, (scope) => build(scope, dy, filter, g));
  };
}

/**
 * The four kernel configs for backend 'wasm' (not registered). Intermediate kernels (Conv2D,
 * DepthwiseConv2dNative, Transpose, PadV2, ...) are looked up in `registry` when the kernel runs.
 */
export function createWasmGradKernelConfigs(registry: KernelRegistry = tf): tf.KernelConfig[] {
  const lookup: KernelLookup = (kernelName) => registry.getKernel(kernelName, BACKEND_NAME);
  const funcs: Record<WasmGradKernelName, tf.KernelFunc> = {
    Conv2DBackpropFilter: filterGradKernel('Conv2DBackpropFilter', false, conv2dFilterGrad, lookup),
    Conv2DBackpropInput: inputGradKernel('Conv2DBackpropInput', false, conv2dInputGrad, lookup),
    DepthwiseConv2dNativeBackpropFilter: filterGradKernel(
      'DepthwiseConv2dNativeBackpropFilter',
      true,
      depthwiseFilterGrad,
      lookup,
    ),
    DepthwiseConv2dNativeBackpropInput: inputGradKernel(
      'DepthwiseConv2dNativeBackpropInput',
      true,
      depthwiseInputGrad,
      lookup,
    ),
  };
  return WASM_GRAD_KERNEL_NAMES.map((kernelName) => {
    const kernelFunc = funcs[kernelName];
    Object.defineProperty(kernelFunc, MARK, { value: true });
    return { kernelName, backendName: BACKEND_NAME, kernelFunc };
  });
}

/** True when the kernel registered for 'wasm' under `kernelName` is one of ours. */
export function isWasmGradKernelRegistered(kernelName: WasmGradKernelName, registry: KernelRegistry = tf): boolean {
  const config = registry.getKernel(kernelName, BACKEND_NAME);
  return config !== undefined && (config.kernelFunc as unknown as Record<string, unknown>)[MARK] === true;
}

/**
 * Registers fast convolution gradient kernels for the 'wasm' backend. Idempotent: kernels that are
 * already ours are left alone; tfjs' own `Conv2DBackpropInput` is unregistered and replaced.
 * Call it before or after `tf.setBackend('wasm')`.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmGradKernels();
 * await tf.setBackend('wasm');
 * const g = tf.grad((w: tf.Tensor4D) => tf.conv2d(x, w, 2, 'same').sum())(w); // runs on wasm
 */
export function registerWasmGradKernels(registry: KernelRegistry = tf): RegisterGradKernelsResult {
  const result = {
    registered: [] as WasmGradKernelName[],
    replaced: [] as WasmGradKernelName[],
    unchanged: [] as WasmGradKernelName[],
  };
  for (const config of createWasmGradKernelConfigs(registry)) {
    const name = config.kernelName as WasmGradKernelName;
    if (isWasmGradKernelRegistered(name, registry)) {
      result.unchanged.push(name);
      continue;
    }
    if (registry.getKernel(name, BACKEND_NAME) !== undefined) {
      registry.unregisterKernel(name, BACKEND_NAME);
      result.replaced.push(name);
    }
    registry.registerKernel(config);
    result.registered.push(name);
  }
  return result;
}
