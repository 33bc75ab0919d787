/**
 * addon/config.yaml and repository.yaml against the supervisor's rules (addon-schema.ts), the version in
 * step with package.json, and the add-on's default options valid against its own option schema.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPOSITORY } from "../helpers/repository.ts";
import { checkAddonConfig, checkOptionValue, checkRepository } from "./addon-schema.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const read = (p: string) => parse(readFileSync(join(ROOT, p), "utf8")) as Record<string, unknown>;

describe("the add-on's config.yaml", () => {
  it("passes the supervisor's add-on schema", () => {
    expect(checkAddonConfig(read("addon/config.yaml"))).toEqual([]);
  });

  it("has the version of package.json", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(read("addon/config.yaml").version).toBe(pkg.version);
  });

  it("asks for what localecu needs: the serial stick, the MQTT service, HA's API, the page on ingress", () => {
    const c = read("addon/config.yaml");
    expect(c).toMatchObject({
      uart: true,
      services: ["mqtt:need"],
      homeassistant_api: true,
      ingress: true,
      ingress_port: 8099,
      init: false,
      url: REPOSITORY,
    });
    expect(c.arch).toEqual(["aarch64", "amd64"]);
  });

  it("gives defaults that its own schema accepts, and a type for every default", () => {
    const c = read("addon/config.yaml");
    const schema = c.schema as Record<string, unknown>;
    const options = c.options as Record<string, unknown>;
    expect(Object.keys(options).filter((k) => !(k in schema))).toEqual([]);
    expect(checkOptionValue("options", schema, options)).toEqual([]);
  });

  it("the checks catch the mistakes the supervisor would drop silently (worked example)", () => {
    const bad = {
      name: "x",
      version: 1,
      slug: "a b",
      description: "d",
      arch: ["amd64", "mips"],
      uart: "yes",
      services: ["mqtt"],
      ingres: true,
      map: ["addon_config:rw", { type: "nope" }],
      schema: { a: "string", b: ["int(1,2)?"], c: [["str"]], d: "list(a|b)" },
    };
    expect(checkAddonConfig(bad)).toEqual([
      "ingres: not a key the supervisor reads",
      "uart: must be true or false",
      "version: must be a string (quote it)",
      "slug: letters, digits, - _ . only",
      "arch: a list of aarch64, amd64, armhf, armv7, i386",
      "services: entries like mqtt:need",
      'map: {"type":"nope"} is not a mapping type',
      "schema.a: 'string' is not an option type",
      "schema.c[0]: a list may not hold a list",
    ]);
    expect(
      checkOptionValue(
        "o",
        { n: "int(10,3600)", s: "match(^[0-9]{12}$)", l: "list(a|b)" },
        { n: 5, s: "12", l: "c" },
      ),
    ).toEqual(["o.n: an integer in int(10,3600)", "o.s: must match ^[0-9]{12}$", "o.l: one of a|b"]);
  });
});

describe("repository.yaml", () => {
  it("sits at the repository root, where the supervisor reads it, and passes its schema", () => {
    const r = read("repository.yaml");
    expect(checkRepository(r)).toEqual([]);
    expect(r.url).toBe(REPOSITORY);
  });
});
