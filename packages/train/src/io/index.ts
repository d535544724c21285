export { saveModel, loadModel, modelToFiles, writeFolderAtomic, copyWeightsByName } from './model-files.js';
