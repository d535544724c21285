/**
 * The iqa-zoo model hosa-clive 0.1.0. Its files as URLs: in a bundled web app (Vite,
 * webpack 5) each is emitted as an asset; in Node they are file: URLs.
 *
 * @example
 * import * as model from '@iqa-zoo/model-hosa-clive';
 * const scorer = await createScorer(model); // @iqa-zoo/runtime-web
 */
export const id = "hosa-clive";
/** The model card (input size, crops, normalisation, file hashes). */
export const cardUrl = new URL("./card.json", import.meta.url);
/** The fp32 ONNX file. */
export const modelUrl = new URL("./model.onnx", import.meta.url);
/** The SVR as data, the source of the ONNX file (not needed to score). */
export const svrUrl = new URL("./hosa-model.json", import.meta.url);
