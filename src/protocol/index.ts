/** The pure APsystems codec: bytes and numbers only — no I/O, no clocks. */
export * from "./aps-link.ts";
export * from "./bytes.ts";
export * from "./commands.ts";
export * from "./dump.ts";
/** The vendor ECU's LAN protocol (port 8899), namespaced: its names would clash with the ZigBee codec's. */
export * as ecu from "./ecu/index.ts";
export * from "./errors.ts";
export * from "./ids.ts";
export * from "./info.ts";
export * from "./l2.ts";
export * from "./limit.ts";
export * from "./models.ts";
export * from "./pairing.ts";
export * from "./protection/index.ts";
export * from "./replies.ts";
export * from "./status.ts";
export * from "./telemetry-ds3.ts";
export * from "./telemetry-qs1.ts";
export type * from "./types.ts";
export * from "./znp/commands.ts";
export * from "./znp/frame.ts";
export * from "./znp/parser.ts";
