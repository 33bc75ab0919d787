/** Protection settings as `decode` prints them: see src/protocol/protection/describe.ts. */
export { describeSettings as formatSettings } from "../protocol/protection/describe.ts";
