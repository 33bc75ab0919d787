/** Command-line failures: one line on stderr, a chosen exit code, never a stack trace. */
import { StartupError } from "../controller/startup-error.ts";
import { FrameError } from "../protocol/errors.ts";
import { ConfigError } from "../site/config/issues.ts";
import { SecretError } from "../site/config/secret.ts";

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Runs a command body, turning expected errors into `localecu: <message>` and an exit code. */
export async function guard(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (
      e instanceof CliError ||
      e instanceof FrameError ||
      e instanceof ConfigError ||
      e instanceof SecretError ||
      e instanceof StartupError
    ) {
      process.stderr.write(`localecu: ${e.message}\n`);
      process.exitCode = e instanceof CliError ? e.exitCode : 2;
      return;
    }
    throw e;
  }
}
