/** The default URL prefix -> folder table of the demo server. */
export declare const DEFAULT_MOUNTS: Record<string, string>;

/** Starts the demo's static server with COOP/COEP headers (`?isolated=0` on a page turns them off). */
export declare function startDemoServer(options?: {
  port?: number;
  host?: string;
  mounts?: Record<string, string>;
  quiet?: boolean;
}): Promise<{ url: string; close: () => Promise<void> }>;
