/**
 * `localecu` — one entry for the product and the installer's tools. Each command lives in its own file and
 * is only imported when it runs, so `decode` does not load serial ports, SQLite or MQTT.
 */
import { Command } from "commander";

type Loader = () => Promise<Command>;

const COMMANDS: Record<string, { summary: string; load: Loader }> = {
  decode: {
    summary: "decode a captured frame",
    load: async () => (await import("./decode.ts")).decodeCommand(),
  },
  encode: {
    summary: "print the bytes of a command",
    load: async () => (await import("./encode.ts")).encodeCommand(),
  },
  check: {
    summary: "check site.yaml against the schema and the inverter datasheet",
    load: async () => (await import("./check.ts")).checkCommand(),
  },
  faults: {
    summary: "list the fault findings kept in the store (open, and cleared in the last 30 days)",
    load: async () => (await import("./faults.ts")).faultsCommand(),
  },
  replace: {
    summary: "swap a failed inverter for a new one in site.yaml (manual section 7)",
    load: async () => {
      const { continueAfterReplace } = await import("../site/replace-hooks.ts");
      return (await import("./replace.ts")).replaceCommand({
        onReplaced: async (result, file) => {
          for (const line of await continueAfterReplace(result, file)) process.stdout.write(`${line}\n`);
        },
      });
    },
  },
  emulate: {
    summary: "run an emulated APS stick with simulated inverters on TCP",
    load: async () => (await import("./emulate.ts")).emulateCommand(),
  },
  probe: {
    summary: "bring up a stick, pair and poll inverters once, print what they say",
    load: async () => (await import("./probe.ts")).probeCommand(),
  },
  pair: {
    summary: "pair inverters through the stick and record their short addresses",
    load: async () => (await import("./pair.ts")).pairCommand(),
  },
  commission: {
    summary:
      "check a live site for hand-over (radio, protection settings, first production) and write the report",
    load: async () => (await import("./commission.ts")).commissionCommand(),
  },
  start: {
    summary: "run the controller for a site (site.yaml)",
    load: async () => (await import("./start.ts")).startCommand(),
  },
  fleet: {
    summary: "live table of every site reporting to one MQTT broker (docs/fleet.md)",
    load: async () => (await import("./fleet.ts")).fleetCommand(),
  },
  demo: { summary: "run the demo (npm start)", load: async () => (await import("./demo.ts")).demoCommand() },
};

/**
 * `localecu check … | head`: the reader left, so there is nobody to tell; stop quietly with the exit code
 * so far, the way Unix tools end on a closed pipe, instead of a stack trace.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit();
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  const program = new Command("localecu")
    .description("Cloud-free monitoring and control of APsystems QS1 / YC600 / DS3 microinverters")
    .version(process.env.npm_package_version ?? "0.1.0")
    .showHelpAfterError();
  const name = argv[2];
  const entry = name === undefined ? undefined : COMMANDS[name];
  // Usage errors (unknown option, missing argument, bad choice) exit 2 like every other bad input;
  // help and --version exit 0. Added commands do not inherit this, so each gets it too.
  const usageExit = (err: { exitCode: number }) => {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
    throw err;
  };
  if (entry) {
    program.addCommand((await entry.load()).exitOverride(usageExit));
  } else {
    for (const [n, c] of Object.entries(COMMANDS)) program.command(n).description(c.summary);
  }
  program.exitOverride(usageExit);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("commander.")) return;
    throw e;
  }
}

await main(process.argv);
