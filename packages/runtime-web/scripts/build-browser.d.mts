import type { Metafile } from 'esbuild';

/** The onnxruntime-web files copied beside the bundle. */
export declare const ORT_FILES: string[];

/** Bundles src/index.ts for browsers into `outdir` (default dist/browser) and copies ORT_FILES beside it. */
export declare function buildBrowser(options?: {
  outdir?: string;
  minify?: boolean;
  logLevel?: 'silent' | 'error' | 'warning' | 'info';
}): Promise<Metafile>;
