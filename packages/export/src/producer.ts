/**
 * The ONNX `producer_name` / `producer_version` written into every exported file.
 * A test checks that the version equals packages/export/package.json's.
 */
export const PRODUCER_NAME = 'iqa-zoo';
export const PRODUCER_VERSION = '0.1.0';
