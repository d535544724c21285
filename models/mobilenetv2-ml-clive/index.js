/**
 * The iqa-zoo model mobilenetv2-ml-clive 0.6.0. Its files as URLs: in a bundled web app (Vite,
 * webpack 5) each is emitted as an asset; in Node they are file: URLs.
 *
 * @example
 * import * as model from '@iqa-zoo/model-mobilenetv2-ml-clive';
 * const scorer = await createScorer(model); // @iqa-zoo/runtime-web
 */
export const id = "mobilenetv2-ml-clive";
/** The model card (input size, crops, normalisation, file hashes). */
export const cardUrl = new URL("./card.json", import.meta.url);
/** The fp32 ONNX file. */
export const modelUrl = new URL("./model.onnx", import.meta.url);
/** The fp16 ONNX file (half the download). */
export const modelFp16Url = new URL("./model_fp16.onnx", import.meta.url);
/** The int8 ONNX file (dtype q8: a quarter of the download). */
export const modelQ8Url = new URL("./model_q8.onnx", import.meta.url);
