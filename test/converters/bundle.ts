/**
 * Loads the built zigbee2mqtt bundle the way zigbee2mqtt 2.x does: esbuild output in an external_converters/
 * folder with node_modules symlinked next to it, `import()`, externalConverterName + addExternalDefinition.
 */
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as zhc from "zigbee-herdsman-converters";
import type { Definition, DefinitionWithExtend } from "zigbee-herdsman-converters/lib/types";
import { buildConverter } from "../../scripts/build-converter.mjs";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { fakeDevice } from "./helpers.ts";

export const CONVERTER_NAME = "apsystems.mjs";

export interface LoadedBundle {
  text: string;
  imports: string[];
  definitions: DefinitionWithExtend[];
  unload(): Promise<void>;
}

export async function loadBundle(): Promise<LoadedBundle> {
  const tmp = await mkdtemp(join(tmpdir(), "localecu-z2m-"));
  const dir = join(tmp, "external_converters");
  await mkdir(dir);
  await symlink(resolve("node_modules"), join(dir, "node_modules"), "dir");
  const built = await buildConverter({ outfile: join(dir, CONVERTER_NAME) });
  const mod = (await import(pathToFileURL(built.outfile).href)) as { default: DefinitionWithExtend[] };
  zhc.removeExternalDefinitions(CONVERTER_NAME);
  for (const d of mod.default) {
    d.externalConverterName = CONVERTER_NAME; // what zigbee2mqtt's externalConverters extension does
    zhc.addExternalDefinition(d as zhc.ExternalDefinitionWithExtend);
  }
  return {
    text: await readFile(built.outfile, "utf8"),
    imports: built.imports,
    definitions: mod.default,
    unload: async () => {
      zhc.removeExternalDefinitions(CONVERTER_NAME);
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** zhc's findByDevice for an inverter that never sent a modelID. */
export async function definitionFor(serial: string): Promise<Definition> {
  const def = await zhc.findByDevice(fakeDevice(inverterIeee(serial)));
  if (!def) throw new Error(`no definition for ${serial}`);
  return def;
}

/** zigbee2mqtt's "stop" event: the converter forgets the device (as on a zigbee2mqtt restart). */
export async function stopDevice(def: Definition, serial: string): Promise<void> {
  await def.onEvent?.({ type: "stop", data: { ieeeAddr: inverterIeee(serial) } });
}
