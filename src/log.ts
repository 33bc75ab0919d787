/**
 * One pino logger for the process. Secrets never reach the log: known secret keys are redacted wherever
 * they appear, and URLs are logged without their userinfo (mqtt://user:pass@host).
 */
import pino, { type Logger } from "pino";

export type { Logger };

const SECRET_PATHS = [
  "password",
  "token",
  "*.password",
  "*.token",
  "*.*.password",
  "*.*.token",
  "config.mqtt.password",
  "config.homeassistant.token",
];

export function createLogger(
  opts: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const level = opts.level ?? process.env.LOCALECU_LOG_LEVEL ?? "info";
  return pino(
    { level, base: undefined, redact: { paths: SECRET_PATHS, censor: "[redacted]" } },
    (opts.destination as pino.DestinationStream | undefined) ?? pino.destination(1),
  );
}

/** mqtt://user:secret@host:1883 → mqtt://user@host:1883 */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1@");
  }
}
