export { saveModel, loadModel, modelToFiles, writeFolderAtomic } from './model-files.js';
