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
