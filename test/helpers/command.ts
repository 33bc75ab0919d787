import type { Command } from "commander";
import { vi } from "vitest";

/** Runs a CLI Command object in-process as `localecu <cmd> …args`, capturing output and the exit code. */
export async function runCommand(cmd: Command, args: string[]) {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    await cmd.parseAsync(args, { from: "user" });
  } finally {
    vi.restoreAllMocks();
  }
  const code = process.exitCode;
  process.exitCode = undefined;
  return { code, stdout, stderr };
}
