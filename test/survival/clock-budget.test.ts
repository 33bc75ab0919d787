/**
 * The hourly limit-write budget (flash wear; the limiter's writes and users' alike go through it) while the
 * wall clock jumps: the radio driver on `localecu emulate` over TCP, on a clock whose wall time the test
 * sets as NTP would, with the OS's monotonic time beside it. Set forward 2 h, the budget is not refilled;
 * set back a day, it is not frozen for that day: the next write is still due within the hour.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { modelForSerial } from "../../src/protocol/models.ts";
import { Stick } from "../../src/radio/stick.ts";
import { killAll } from "../helpers/process.ts";
import { A, removeDir, startEmulator } from "./harness.ts";
import { WallClock } from "./wall-clock.ts";

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  killAll();
  for (const c of cleanup.reverse()) await c();
});

const HOUR = 3_600_000;

describe("the limit-write budget when the clock jumps", () => {
  it("is neither refilled by a step forward nor frozen by a step back", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "localecu-budget-"));
    cleanup.push(() => removeDir(scratch));
    const emulator = await startEmulator({
      port: 0,
      truthFile: join(scratch, "truth.jsonl"),
      serials: [A.serial],
    });
    const clock = new WallClock();
    const stick = new Stick({
      port: emulator.url,
      ecuId: "D8A3011B9780",
      clock,
      polling: false,
      coordinator: { healthIntervalMs: 0 },
      pairing: { stepMs: 20, replyTimeoutMs: 3000 },
      commands: { writesPerHour: 2 },
    });
    cleanup.push(() => stick.stop());
    await stick.start();
    const paired = await stick.pair(A.serial);
    stick.addInverter({ ...paired, model: modelForSerial(A.serial)! });

    expect((await stick.setMaxPower(A.serial, 300)).outcome).toBe("applied");
    expect((await stick.setMaxPower(A.serial, 310)).outcome).toBe("applied");
    expect((await stick.setMaxPower(A.serial, 320)).outcome).toBe("refused");

    clock.jump(2 * HOUR); // NTP: the clock was two hours slow
    const afterForward = await stick.setMaxPower(A.serial, 330);
    expect(afterForward.outcome, afterForward.message).toBe("refused");
    expect(afterForward.message).toMatch(/2 per hour\) is used up/);

    clock.jump(-26 * HOUR); // and then a day and two hours fast
    const afterBack = await stick.setMaxPower(A.serial, 340);
    expect(afterBack.outcome).toBe("refused");
    // Due when the hour since the first write has passed, on the clock as it reads now: not a day later.
    expect(afterBack.retryAt! - clock.now()).toBeLessThanOrEqual(HOUR);
    expect(afterBack.retryAt! - clock.now()).toBeGreaterThan(0);
  }, 120_000);
});
