/** The longest line allowed, in characters (biome.jsonc's lineWidth). */
export declare const MAX_LINE: number;
/** The file extensions checked. */
export declare const EXTENSIONS: string[];
/** Generated files, skipped (as biome skips them). */
export declare const GENERATED: RegExp[];
/** Path prefixes skipped for now (temporary). */
export declare const ALLOWED_PREFIXES: string[];

export interface LongLine {
  path: string;
  line: number;
  length: number;
}

/** The paths this check reads: sources by extension, less generated files and the allow-list. */
export declare function sourcePaths(paths: string[], allowed?: string[]): string[];
/** The lines of `files` (relative to `root`) longer than `max` characters. */
export declare function longLines(files: string[], options?: { root?: string; max?: number }): LongLine[];
/** The files git tracks under `root` and the untracked ones it does not ignore. */
export declare function gitFiles(root: string): string[];
/** `path:line: N characters (max M)`, one line per finding. */
export declare function formatFindings(found: LongLine[], max?: number): string;
