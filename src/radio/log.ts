/** The logger the radio accepts: pino's shape, reduced to what we call. Default: silent. */
export type LogFn = (objOrMsg: unknown, msg?: string) => void;

export interface RadioLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => undefined;

export const silentLogger: RadioLogger = { debug: noop, info: noop, warn: noop, error: noop };

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A status byte as the Z-Stack docs and DESIGN.md write it: `0xCD`. */
export function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, "0").toUpperCase()}`;
}
