/** Types for scripts/build-converter.mjs (imported by test/converters). */
export declare const DEFAULT_OUTFILE: string;
export declare const ALLOWED_IMPORT: RegExp;
export declare function buildConverter(opts?: { outfile?: string }): Promise<{
  outfile: string;
  bytes: number;
  imports: string[];
}>;
