/**
 * Every codec failure is a FrameError with a machine-readable code and, where known, the byte
 * offset at which the input stopped making sense. Callers (CLI, radio) turn these into one line.
 */
export type FrameErrorCode =
  | "hex" // input text is not hexadecimal
  | "short" // fewer bytes than the layout needs
  | "sof" // start marker missing (FE for ZNP, FB FB for L2)
  | "eof" // end marker missing (FE FE for L2)
  | "length" // a length field disagrees with the bytes present
  | "cut" // fewer bytes than the frame's own length field announces: more may still arrive (ECU LAN)
  | "fcs" // ZNP XOR check failed
  | "checksum" // L2 16-bit sum failed where the model carries a valid one
  | "command" // a command id we do not know how to decode
  | "encrypted" // AES-paired inverter: payload is ciphertext
  | "serial" // not a 12-digit BCD serial
  | "range"; // a value outside what the wire field or the device accepts

export class FrameError extends Error {
  override readonly name = "FrameError";
  constructor(
    readonly code: FrameErrorCode,
    detail: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? `${code}: ${detail}` : `${code} at byte ${offset}: ${detail}`);
  }
}
