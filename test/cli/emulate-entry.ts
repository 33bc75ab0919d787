/** Runs `localecu emulate` on its own (main.ts wires it for users) so tests can spawn it. */
import { emulateCommand } from "../../src/cli/emulate.ts";

const cmd = emulateCommand().exitOverride((err) => {
  process.exitCode = err.exitCode === 0 ? 0 : 2;
  throw err;
});
try {
  await cmd.parseAsync(process.argv.slice(2), { from: "user" });
} catch (e) {
  if (!(e as { code?: string }).code?.startsWith("commander.")) throw e;
}
