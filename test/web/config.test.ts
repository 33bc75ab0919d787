import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { webOverride } from "../../src/controller/run.ts";
import { checkSite } from "../../src/site/check/index.ts";
import { ConfigError, parseConfig } from "../../src/site/config/index.ts";
import { EXAMPLE_SITE } from "../helpers/site-file.ts";

/** examples/site.yaml without its `web:` section, the user's sites without one. */
const withoutWeb = () => readFileSync(EXAMPLE_SITE, "utf8").replace(/\nweb:\n( {2}.*\n?)*/, "\n");
const withWeb = (web: string) => parseConfig(`${withoutWeb()}\nweb: ${web}\n`, EXAMPLE_SITE);

describe("site.yaml web: the local page", () => {
  it("is on by default, on this machine only, port 8099", () => {
    const text = withoutWeb();
    expect(text).not.toContain("web:");
    expect(parseConfig(text, EXAMPLE_SITE).web).toEqual({
      port: 8099,
      bind: "127.0.0.1",
    });
  });

  it("port 0 or false turns it off; true is refused with the fix", () => {
    expect(withWeb("{ port: 0 }").web).toBeUndefined();
    expect(withWeb("{ port: false }").web).toBeUndefined();
    expect(() => withWeb("{ port: true }")).toThrow(ConfigError);
    expect(() => withWeb("{ port: true }")).toThrow(/web\.port.*port: true is not a port/s);
  });

  it("binding beyond this machine is a warning in localecu check", () => {
    expect(checkSite(withWeb("{ bind: 127.0.0.1 }"), {}).filter((f) => f.rule === "web-bind")).toEqual([]);
    const found = checkSite(withWeb("{ bind: 0.0.0.0, port: 8100 }"), {}).filter(
      (f) => f.rule === "web-bind",
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "warning", path: "web.bind" });
    expect(found[0]!.message).toContain("listens on 0.0.0.0");
  });

  it("LOCALECU_WEB_PORT and LOCALECU_WEB_BIND override it for one process", () => {
    const web = { port: 8099, bind: "127.0.0.1" };
    expect(webOverride(web, { LOCALECU_WEB_PORT: "0" })).toBeUndefined();
    expect(webOverride(web, { LOCALECU_WEB_PORT: "8200", LOCALECU_WEB_BIND: "0.0.0.0" })).toEqual({
      port: 8200,
      bind: "0.0.0.0",
    });
    expect(() => webOverride(web, { LOCALECU_WEB_PORT: "http" })).toThrow(/LOCALECU_WEB_PORT must be a port/);
  });
});
