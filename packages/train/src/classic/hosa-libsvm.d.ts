/** The part of libsvm-js's WebAssembly build (LIBSVM, BSD-3-Clause) that hosa-svr.ts uses: a linear epsilon-SVR. */
declare module 'libsvm-js/wasm.js' {
  interface LibsvmOptions {
    type?: string;
    kernel?: string;
    cost?: number;
    epsilon?: number;
    tolerance?: number;
    cacheSize?: number;
    quiet?: boolean;
  }
  class SVM {
    constructor(options: LibsvmOptions);
    static SVM_TYPES: { EPSILON_SVR: string };
    static KERNEL_TYPES: { LINEAR: string };
    train(samples: ArrayLike<number>[], labels: number[]): void;
    predictOne(sample: ArrayLike<number>): number;
    getSVIndices(): number[];
    serializeModel(): string;
    free(): void;
  }
  const loaded: Promise<typeof SVM>;
  export default loaded;
}
