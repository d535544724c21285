/** The part of libsvm-js (LIBSVM compiled to asm.js, BSD-3-Clause) that fit-svr.ts uses. */
declare module 'libsvm-js/asm.js' {
  interface LibsvmOptions {
    type?: string;
    kernel?: string;
    gamma?: number;
    cost?: number;
    epsilon?: number;
    tolerance?: number;
    shrinking?: boolean;
    cacheSize?: number;
    quiet?: boolean;
  }
  class SVM {
    constructor(options: LibsvmOptions);
    static SVM_TYPES: { EPSILON_SVR: string };
    static KERNEL_TYPES: { RBF: string };
    train(samples: number[][], labels: number[]): void;
    predictOne(sample: number[]): number;
    getSVIndices(): number[];
    serializeModel(): string;
    free(): void;
  }
  export default SVM;
}
