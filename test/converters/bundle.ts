/**
 * Loads the built zigbee2mqtt bundle the way zigbee2mqtt 2.x does: esbuild output in an external_converters/
 * folder with node_modules symlinked next to it, `import()`, externalConverterName + addExternalDefinition.
 * Two zigbee-herdsman-converters installs can host it: the newest (top-level, what package.json asks for)
 * and the one zigbee2mqtt 2.14 brings (nested under node_modules/zigbee2mqtt; it symlinks that folder).
 */
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as ZhcModule from "zigbee-herdsman-converters";
import type zhcExposes from "zigbee-herdsman-converters/lib/exposes";
import type { Definition, DefinitionWithExtend } from "zigbee-herdsman-converters/lib/types";
import { buildConverter } from "../../scripts/build-converter.mjs";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { fakeDevice } from "./helpers.ts";

export const CONVERTER_NAME = "apsystems.mjs";

type Zhc = typeof ZhcModule;

export interface ZhcInstall {
  /** e.g. "zigbee2mqtt's 26.105.0" */
  label: string;
  version: string;
  /** The node_modules folder the bundle's imports resolve through. */
  nodeModules: string;
  zhc: Zhc;
  /** That install's lib/exposes (instanceof checks need the same copy). */
  exposes: typeof zhcExposes;
}

const require = createRequire(import.meta.url);
const versionIn = (nodeModules: string): string =>
  (require(join(nodeModules, "zigbee-herdsman-converters", "package.json")) as { version: string }).version;

const TOP = resolve("node_modules");
const Z2M = join(TOP, "zigbee2mqtt", "node_modules");

/** The newest zhc (top level) and zigbee2mqtt's own. Both are loaded through Node's one CJS cache. */
function install(label: string, nodeModules: string): ZhcInstall {
  const version = versionIn(nodeModules);
  // Resolve as code next to that node_modules would (package "exports" apply).
  const load = (id: string) => require(require.resolve(id, { paths: [dirname(nodeModules)] }));
  return {
    label: `${label} ${version}`,
    version,
    nodeModules,
    zhc: load("zigbee-herdsman-converters") as Zhc,
    exposes: load("zigbee-herdsman-converters/lib/exposes") as typeof zhcExposes,
  };
}

/** The newest zhc (top level) and zigbee2mqtt's own. Both are loaded through Node's one CJS cache. */
export const ZHC_INSTALLS: ZhcInstall[] = [install("newest", TOP), install("zigbee2mqtt's", Z2M)];

export interface LoadedBundle {
  text: string;
  imports: string[];
  definitions: DefinitionWithExtend[];
  install: ZhcInstall;
  unload(): Promise<void>;
}

export async function loadBundle(install: ZhcInstall = ZHC_INSTALLS[0]!): Promise<LoadedBundle> {
  const { zhc } = install;
  const tmp = await mkdtemp(join(tmpdir(), "localecu-z2m-"));
  const dir = join(tmp, "external_converters");
  await mkdir(dir);
  await symlink(install.nodeModules, join(dir, "node_modules"), "dir");
  const built = await buildConverter({ outfile: join(dir, CONVERTER_NAME) });
  const mod = (await import(pathToFileURL(built.outfile).href)) as { default: DefinitionWithExtend[] };
  zhc.removeExternalDefinitions(CONVERTER_NAME);
  for (const d of mod.default) {
    d.externalConverterName = CONVERTER_NAME; // what zigbee2mqtt's externalConverters extension does
    zhc.addExternalDefinition(d as ZhcModule.ExternalDefinitionWithExtend);
  }
  return {
    text: await readFile(built.outfile, "utf8"),
    imports: built.imports,
    definitions: mod.default,
    install,
    unload: async () => {
      zhc.removeExternalDefinitions(CONVERTER_NAME);
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** zhc's findByDevice for an inverter that never sent a modelID. */
export async function definitionFor(serial: string, zhc: Zhc = ZHC_INSTALLS[0]!.zhc): Promise<Definition> {
  const def = await zhc.findByDevice(fakeDevice(inverterIeee(serial)));
  if (!def) throw new Error(`no definition for ${serial}`);
  return def;
}

/** zigbee2mqtt's "stop" event: the converter forgets the device (as on a zigbee2mqtt restart). */
export async function stopDevice(def: Definition, serial: string): Promise<void> {
  await def.onEvent?.({ type: "stop", data: { ieeeAddr: inverterIeee(serial) } });
}
