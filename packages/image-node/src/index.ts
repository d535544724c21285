/**
 * @iqa-zoo/image-node: the one Node image decoder (sharp) shared by training and runtime-node, so
 * a model is trained on exactly the pixels it is later scored on.
 */
export { decodeImage } from './decode.js';
export type { DecodeOptions } from './decode.js';
