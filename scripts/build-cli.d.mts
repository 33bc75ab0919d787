/** Types for scripts/build-cli.mjs (plain JavaScript, imported by the scale bench). */
export declare const CLI_ENTRY: string;
export declare const CLI_OUTDIR: string;
export declare const CLI_MAIN: string;
export declare const CLI_INPUTS: string;
export declare function buildCli(opts?: {
  entries?: Record<string, string>;
  outdir?: string;
}): Promise<{ outdir: string; inputs: string[] }>;
