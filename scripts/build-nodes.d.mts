/** Types for scripts/build-nodes.mjs (plain JavaScript, imported by the tests). */
export declare const NODES_DIR: string;
export declare const LIB_DIR: string;
export declare const NODE_NAMES: string[];
export declare const ALLOWED_IMPORTS: string[];
export declare function buildNodes(opts?: { write?: boolean }): Promise<{ dir: string; imports: string[] }>;
