/**
 * One pino logger for the process. Secrets never reach the log: known secret keys are redacted wherever
 * they appear, and URLs are logged without their userinfo (mqtt://user:pass@host).
 */
import { Writable } from "node:stream";
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
  const out = opts.destination ?? process.stdout;
  const dest = opts.pretty ? prettyStream(out) : out;
  return pino(
    { level, base: undefined, redact: { paths: SECRET_PATHS, censor: "[redacted]" } },
    dest as pino.DestinationStream,
  );
}

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO ",
  40: "WARN ",
  50: "ERROR",
  60: "FATAL",
};

/** One readable line per record for a terminal: `12:00:03 INFO  message  key=value`. */
export function formatRecord(rec: Record<string, unknown>): string {
  const { level, time, msg, module, ...rest } = rec;
  const t = new Date(Number(time)).toISOString().slice(11, 19);
  const extra = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  const mod = module ? `[${String(module)}] ` : "";
  return `${t} ${LEVELS[Number(level)] ?? String(level)} ${mod}${String(msg ?? "")}${extra ? `  ${extra}` : ""}\n`;
}

function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        try {
          out.write(formatRecord(JSON.parse(line) as Record<string, unknown>));
        } catch {
          out.write(`${line}\n`);
        }
      }
      cb();
    },
  });
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
