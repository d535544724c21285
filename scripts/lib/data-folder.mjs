// The training data folder, as `iqa train` and `iqa data check` find it: $IQA_ZOO_DATA, else ./data
// (pristine/ and clive/; docs/training.md says where to get them).
import path from 'node:path';

/** The data folder, absolute. */
export const DATA = path.resolve(process.env.IQA_ZOO_DATA || 'data');
