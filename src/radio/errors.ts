/**
 * Radio failures: one class with a machine-readable code; the message says what happened, where, and
 * what to check. Codec failures stay FrameErrors (src/protocol/errors.ts).
 */
export type RadioErrorCode =
  | "bad-url" // the port string names no transport we know
  | "unreachable" // the serial device or TCP endpoint cannot be opened
  | "link-down" // the transport closed while we needed it
  | "timeout" // the stick did not answer in time
  | "stick-status" // the stick answered with a non-zero status
  | "no-answer" // bring-up failed: the stick is there but does not behave like an APS ZNP stick
  | "not-ready" // asked to use the air before the coordinator is up
  | "pairing-timeout" // the inverter did not answer the pairing broadcasts
  | "unknown-inverter" // no short address for this serial
  | "no-reply" // the inverter did not answer a read (no route, or silent)
  | "unsupported" // the model has nothing to read for this request
  | "stopped"; // the driver was stopped while the request waited

export class RadioError extends Error {
  override readonly name = "RadioError";
  constructor(
    readonly code: RadioErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
