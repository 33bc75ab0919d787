/** Grid-protection pages: queries, recognition, per-model decode, merge. Pure: bytes and numbers only. */
export * from "./decode.ts";
export * from "./describe.ts";
export { DS3_PAGE_A, DS3_PAGE_B } from "./ds3.ts";
export * from "./evidence.ts";
export type { PageField, PageLayout } from "./fields.ts";
export * from "./meanings.ts";
export * from "./merge.ts";
export { QS1_PAGE_A, QS1_PAGE_B, QS1_PAGE_C } from "./qs1.ts";
export * from "./requests.ts";
export * from "./types.ts";
export { YC600_PAGE_A, YC600_PAGE_B } from "./yc600.ts";
