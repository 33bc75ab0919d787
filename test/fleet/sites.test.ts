/** FleetBook: which topics make a site, and what the table shows of it. */
import { describe, expect, it } from "vitest";
import { FleetBook } from "../../src/fleet/sites.ts";
import { fleetLine, fleetTable } from "../../src/fleet/table.ts";

const T0 = Date.parse("2026-06-21T10:00:00Z");

describe("FleetBook", () => {
  it("lists a base only once its bridge/info names a localecu site, with the site's values as published", () => {
    const book = new FleetBook();
    book.ingest(
      "mueller/site",
      '{"power":1200.4,"energy_today":3.7938,"faults_open":2,"export_limit_state":"active"}',
      T0,
    );
    book.ingest("mueller/bridge/state", '{"state":"online"}', T0);
    expect(book.sites()).toEqual([]);
    expect(
      book.ingest(
        "mueller/bridge/info",
        '{"site":"Müller","base_topic":"mueller","version":"0.1.0"}',
        T0 + 2000,
      ),
    ).toBe(true);
    expect(book.sites()).toEqual([
      {
        base_topic: "mueller",
        site: "Müller",
        version: "0.1.0",
        state: "online",
        bridge_link: null,
        power_w: 1200.4,
        energy_today_kwh: 3.7938,
        faults_open: 2,
        limiter: "active",
        last_seen: "2026-06-21T10:00:02.000Z",
      },
    ]);
  });

  it("ignores zigbee2mqtt's bridge/info, and drops a site whose info is cleared", () => {
    const book = new FleetBook();
    book.ingest("zigbee2mqtt/bridge/info", '{"version":"2.1.0","coordinator":{"type":"zStack3x0"}}', T0);
    book.ingest("zigbee2mqtt/bridge/state", '{"state":"online"}', T0);
    book.ingest("a/b/bridge/info", '{"site":"Two levels","base_topic":"a/b"}', T0);
    expect(book.sites().map((s) => [s.base_topic, s.site])).toEqual([["a/b", "Two levels"]]);
    book.ingest("a/b/bridge/info", "", T0);
    expect(book.sites()).toEqual([]);
  });

  it("shows – for what a site does not publish, and link down when its bridge's will says 0", () => {
    const book = new FleetBook();
    book.ingest("s/bridge/info", '{"site":"Schmidt","base_topic":"s"}', T0);
    book.ingest("s/bridge/state", '{"state":"online"}', T0);
    book.ingest("s/site", '{"power":820,"energy_today":2.1}', T0);
    book.ingest("s/bridge/link", "0", T0);
    const [site] = book.sites();
    expect(fleetLine(site!, T0 + 14_000)).toBe(
      '2026-06-21T10:00:14.000Z s "Schmidt" link down power 820 W today 2.10 kWh faults – limiter – (last seen 14 s ago)',
    );
    expect(fleetTable([site!], T0 + 90_000)).toBe(
      [
        "SITE     BASE TOPIC  STATUS     POWER     TODAY  FAULTS  LAST SEEN  LIMITER",
        "Schmidt  s           link down  820 W  2.10 kWh       –  1 min ago  –",
        "",
      ].join("\n"),
    );
  });
});
