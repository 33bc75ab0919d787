import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HaCredentialsError, resolveHaCredentials, websocketUrl } from "../../src/ha/credentials.ts";
import { makeSecretRef } from "../../src/site/config/secret.ts";

describe("Home Assistant websocket URL", () => {
  it.each([
    ["http://homeassistant.local:8123", "ws://homeassistant.local:8123/api/websocket"],
    ["http://homeassistant.local:8123/", "ws://homeassistant.local:8123/api/websocket"],
    ["https://ha.example.org", "wss://ha.example.org/api/websocket"],
    ["https://example.org/ha/", "wss://example.org/ha/api/websocket"],
    ["ws://10.0.0.2:8123", "ws://10.0.0.2:8123/api/websocket"],
    ["wss://ha.example.org/api/websocket", "wss://ha.example.org/api/websocket"],
  ])("%s → %s", (url, ws) => {
    expect(websocketUrl(url)).toBe(ws);
  });

  it("rejects other schemes, naming the setting", () => {
    expect(() => websocketUrl("ftp://ha:8123")).toThrow(/homeassistant\.url: scheme ftp: is not supported/);
  });
});

describe("Home Assistant token", () => {
  it("reads token_env and names it in the credentials, keeping the token out of JSON", () => {
    const c = resolveHaCredentials(
      { url: "http://ha.lan:8123", token: makeSecretRef(undefined, "HA_TOKEN") },
      { HA_TOKEN: "eyJ.secret.token" },
    )!;
    expect(c.wsUrl).toBe("ws://ha.lan:8123/api/websocket");
    expect(c.token).toBe("eyJ.secret.token");
    expect(c.tokenSetting).toBe("homeassistant.token_env (HA_TOKEN)");
    expect(JSON.stringify(c)).not.toContain("secret");
  });

  it("a missing variable or unreadable file is an error naming the setting", () => {
    const env = () =>
      resolveHaCredentials({ url: "http://ha:8123", token: makeSecretRef(undefined, "HA_NOPE") }, {});
    expect(env).toThrow(HaCredentialsError);
    expect(env).toThrow(/homeassistant\.token_env \(HA_NOPE\): environment variable HA_NOPE is not set/);
    const file = () =>
      resolveHaCredentials({ url: "http://ha:8123", token: makeSecretRef("/nonexistent/ha-token") }, {});
    expect(file).toThrow(/homeassistant\.token_file \(\/nonexistent\/ha-token\): cannot read .*ENOENT/);
  });

  it("reads token_file (trimmed)", () => {
    const dir = mkdtempSync(join(tmpdir(), "ha-cred-"));
    try {
      writeFileSync(join(dir, "token"), "abc.def.ghi\n");
      const c = resolveHaCredentials(
        { url: "http://ha:8123", token: makeSecretRef(join(dir, "token")) },
        {},
      )!;
      expect(c.token).toBe("abc.def.ghi");
      expect(c.tokenSetting).toBe(`homeassistant.token_file (${join(dir, "token")})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("as an add-on: the supervisor's proxy and SUPERVISOR_TOKEN, with no section or no url", () => {
    const env = { SUPERVISOR_TOKEN: "sup-token" };
    for (const cfg of [undefined, { token: makeSecretRef() }]) {
      const c = resolveHaCredentials(cfg, env)!;
      expect(c.wsUrl).toBe("ws://supervisor/core/websocket");
      expect(c.token).toBe("sup-token");
      expect(c.tokenSetting).toMatch(/^SUPERVISOR_TOKEN/);
    }
  });

  it("not configured: no link; url left out outside an add-on: an error naming homeassistant.url", () => {
    expect(resolveHaCredentials(undefined, {})).toBeUndefined();
    expect(() => resolveHaCredentials({ token: makeSecretRef() }, {})).toThrow(
      /homeassistant\.url is not set and SUPERVISOR_TOKEN is absent/,
    );
  });
});
