/**
 * The port-8899 client of a vendor ECU on the LAN: `ecuExchange` (one request, one connection) and
 * `EcuLink` (one request in flight per ECU, decoded answers), with their typed errors.
 */
export * from "./errors.ts";
export { ECU_PORT, ECU_RESPONSE_TIMEOUT_MS, ecuExchange, requestCommand } from "./exchange.ts";
export { EcuLink, type EcuLinkOptions } from "./link.ts";
