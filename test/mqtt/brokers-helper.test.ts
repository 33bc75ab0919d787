/** The mosquitto variant of the end-to-end suite never disappears silently. */
import { describe, expect, it } from "vitest";
import { brokerKinds } from "../helpers/brokers.ts";

describe("brokerKinds", () => {
  it("without mosquitto outside CI: aedes only, and says so once", () => {
    const lines: string[] = [];
    const warn = (l: string) => lines.push(l);
    const missing = () => undefined;
    expect(brokerKinds({}, missing, warn).map((k) => k.name)).toEqual(["aedes (embedded)"]);
    expect(brokerKinds({ CI: "false" }, missing, warn).map((k) => k.name)).toEqual(["aedes (embedded)"]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/mosquitto is not installed.*SKIPPED/);
  });

  it("without mosquitto under CI=true: fails instead of skipping", () => {
    expect(() =>
      brokerKinds(
        { CI: "true" },
        () => undefined,
        () => undefined,
      ),
    ).toThrow(/CI=true but mosquitto is not installed/);
  });

  it("with mosquitto: both brokers, no warning", () => {
    const lines: string[] = [];
    const kinds = brokerKinds(
      { CI: "true" },
      () => "/usr/sbin/mosquitto",
      (l) => lines.push(l),
    );
    expect(kinds.map((k) => k.name)).toEqual(["aedes (embedded)", "mosquitto"]);
    expect(lines).toEqual([]);
  });
});
