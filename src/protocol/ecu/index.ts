/** The vendor ECU's LAN protocol (TCP port 8899): pure codec, bytes and numbers only — no I/O, no clocks. */
export * from "./clock.ts";
export * from "./decode.ts";
export * from "./frame.ts";
export * from "./history.ts";
export * from "./info.ts";
export * from "./realtime.ts";
export * from "./requests.ts";
export * from "./signal.ts";
export * from "./text.ts";
export type * from "./types.ts";
