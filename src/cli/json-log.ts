/** The JSON-lines files the simulator writes for outside tools (`--truth`, `--power-log`). */
import { createWriteStream, type WriteStream } from "node:fs";
import { CliError } from "./errors.ts";

/**
 * Opens `file` for appending; a file that cannot be opened is a CliError naming `option`. Later write
 * failures (disk full) must not stop a running stick or demo: they go to `warn` and the run goes on.
 */
export async function openJsonLog(
  option: string,
  file: string,
  warn: (message: string) => void,
): Promise<WriteStream> {
  const stream = createWriteStream(file, { flags: "a" });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (e) => reject(new CliError(`${option}: cannot write ${file}: ${e.message}`)));
  });
  stream.on("error", (e) => warn(`${option} ${file}: ${e.message}`));
  return stream;
}

/** Ends the stream once everything written has reached the file. */
export function closeJsonLog(stream: WriteStream): Promise<void> {
  return new Promise<void>((resolve) => stream.end(resolve));
}
