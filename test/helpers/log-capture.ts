/** A pino logger (the real one, with its redaction) whose records land in an array the test can read. */
import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/log.ts";

export interface CapturedLog {
  logger: Logger;
  /** Parsed records, in order. */
  records: Record<string, unknown>[];
  /** The raw text written, for "never contains" assertions. */
  text(): string;
}

export function captureLogger(level = "debug"): CapturedLog {
  const raw: string[] = [];
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString("utf8");
      raw.push(s);
      for (const line of s.split("\n")) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: createLogger({ level, destination: sink }), records, text: () => raw.join("") };
}
