import { describe, expect, it } from "vitest";
import { PendingNotices } from "../../../src/automations/faults/pending.ts";
import type { Finding } from "../../../src/automations/faults/types.ts";

function finding(key: string, openedAtMs = 1000): Finding {
  return {
    key,
    kind: "no_data",
    serial: key.split(":")[1],
    cause: "communication",
    severity: "warning",
    title: `No data: ${key}`,
    advice: "…",
    verified: true,
    openedAtMs,
    notifiedAtMs: openedAtMs,
  };
}

const T = ["notify.mobile_app_phone"];
const show = (q: PendingNotices) =>
  q.list().map((p) => `${p.kind}${p.unannounced ? "*" : ""} ${p.finding.key}`);

describe("notices waiting for Home Assistant", () => {
  it("keeps the newest word per finding: an open never told and then cleared becomes one cleared note that says what it was", () => {
    const q = new PendingNotices(10);
    q.put("open", finding("no_data:1"), [...T]);
    q.put("open", finding("no_data:2"), [...T]);
    q.put("clear", { ...finding("no_data:1"), clearedAtMs: 5000 }, [...T]);
    expect(show(q)).toEqual(["open no_data:2", "clear* no_data:1"]);
    // A repeat of an open never told is still news: it stays an open.
    q.put("repeat", finding("no_data:2"), [...T]);
    expect(show(q)).toEqual(["clear* no_data:1", "open no_data:2"]);
  });

  it("a clear after an open that reached a target is an ordinary clear", () => {
    const q = new PendingNotices(10);
    q.put("open", finding("no_data:1"), [...T]);
    q.list()[0]!.told = true;
    q.put("clear", finding("no_data:1"), [...T]);
    expect(show(q)).toEqual(["clear no_data:1"]);
  });

  it("when full drops repeats first, then cleared notes, and opened findings last, oldest first", () => {
    const q = new PendingNotices(3);
    q.put("open", finding("no_data:1"), [...T]);
    q.put("repeat", finding("no_data:2"), [...T]);
    q.put("clear", finding("no_data:3"), [...T]);
    expect(q.put("open", finding("no_data:4"), [...T]).map((p) => p.finding.key)).toEqual(["no_data:2"]);
    expect(q.put("open", finding("no_data:5"), [...T]).map((p) => p.finding.key)).toEqual(["no_data:3"]);
    expect(q.put("open", finding("no_data:6"), [...T]).map((p) => p.finding.key)).toEqual(["no_data:1"]);
    expect(show(q)).toEqual(["open no_data:4", "open no_data:5", "open no_data:6"]);
  });

  it("a refresh (HA restarted) never replaces news that waits, and a clear after it is an ordinary clear", () => {
    const q = new PendingNotices(10);
    q.put("open", finding("no_data:1"), [...T]);
    expect(q.refresh(finding("no_data:1"), ["persistent_notification.create"])).toEqual([]);
    q.refresh(finding("no_data:2"), ["persistent_notification.create"]);
    expect(show(q)).toEqual(["open no_data:1", "refresh no_data:2"]);
    q.put("clear", finding("no_data:2"), [...T]);
    expect(show(q)).toEqual(["open no_data:1", "clear no_data:2"]);
    // Full: a refresh goes before anything else.
    const full = new PendingNotices(2);
    full.refresh(finding("no_data:3"), ["persistent_notification.create"]);
    full.put("repeat", finding("no_data:4"), [...T]);
    expect(full.put("clear", finding("no_data:5"), [...T]).map((p) => p.kind)).toEqual(["refresh"]);
  });

  it("done() leaves newer news for the same finding in place", () => {
    const q = new PendingNotices(10);
    q.put("open", finding("no_data:1"), [...T]);
    const sending = q.list()[0]!;
    q.put("clear", finding("no_data:1"), [...T]);
    q.done(sending);
    expect(show(q)).toEqual(["clear* no_data:1"]);
  });
});
