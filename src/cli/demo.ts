import { Command } from "commander";

/** Placeholder until the controller lands (issue 5): says so and exits cleanly. */
export function demoCommand(): Command {
  return new Command("demo").description("run the demo site").action(() => {
    process.stdout.write(
      "localecu: demo not built yet — the controller arrives with issue 5. Try `npx localecu decode --help`.\n",
    );
  });
}
