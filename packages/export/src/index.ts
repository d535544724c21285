/**
 * @iqa-zoo/export: tfjs LayersModel -> ONNX, in TypeScript (no Python).
 */

// Export
export { exportOnnx, toModelProto, SUPPORTED_OPSETS } from './export.js';
export type { ExportOptions } from './export.js';
export { PRODUCER_NAME, PRODUCER_VERSION } from './producer.js';

// Model card in the file
export { readOnnxMetadata, readOnnxCard, cardForMetadata, withOnnxCard } from './metadata.js';

// Converters
export { registerConverter, supportedLayers } from './converters/registry.js';
export type { LayerConverter, ConvertContext, WeightData } from './converters/registry.js';
export { supportedActivations } from './converters/activation.js';
export { GraphBuilder, onnxAxis } from './graph/builder.js';
export type { TensorRef, Layout } from './graph/builder.js';

// The ONNX protobuf schema (onnx-proto)
export { onnx } from './onnx/proto.js';

// Checks and variants
export { validateModelProto, findModelProblems } from './graph/validate.js';
export { foldBatchNorm } from './graph/fold.js';
export { foldPadIntoConv, protectPadBeforeMaxPool } from './graph/fold-pad.js';
export { toFp16, toHalfBits } from './onnx/fp16.js';

// Static int8 quantization (QDQ), calibrated in onnxruntime-node
export { quantizeQdq, tensorsToCalibrate, quantizePerChannel, activationParams } from './quantize/qdq.js';
export type { TensorRange, QuantizeOptions } from './quantize/qdq.js';
export { calibrateRanges, RangeCollector, exposeTensors } from './quantize/calibrate.js';
export type { CalibrateOptions } from './quantize/calibrate.js';
export { quantizeModel, calibrationFiles, CALIBRATION_EXTENSIONS } from './quantize/quantize-model.js';
export type { QuantizeModelOptions, QuantizedModel, CalibrationSetOptions } from './quantize/quantize-model.js';

// Command line (`iqa export`)
export {
  exportCommand,
  exportCheckpoint,
  addQuantizedVariant,
  EXPORT_USAGE,
  EXPORT_FILES,
} from './cli/export-command.js';
export type { ExportResult, QuantizeArgs } from './cli/export-command.js';
