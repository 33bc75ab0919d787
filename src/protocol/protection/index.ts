/** Grid-protection pages: queries, recognition, per-model decode, merge. Pure: bytes and numbers only. */
export * from "./decode.ts";
export * from "./ds3.ts";
export * from "./fields.ts";
export * from "./meanings.ts";
export * from "./merge.ts";
export * from "./qs1.ts";
export * from "./requests.ts";
export * from "./types.ts";
export * from "./yc600.ts";
