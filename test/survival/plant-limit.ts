/**
 * Someone else changes an inverter's limit while the controller is down (the vendor app, another ECU): a
 * second host on the stick, paired the same way (the controller's pairing.json), writes it and reads it back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { modelForSerial } from "../../src/protocol/models.ts";
import { Stick } from "../../src/radio/stick.ts";

export async function plantLimit(
  stickUrl: string,
  dataDir: string,
  serial: string,
  perPanelW: number,
): Promise<{ outcome: string; limitW: number | undefined }> {
  const book = JSON.parse(readFileSync(join(dataDir, "pairing.json"), "utf8")) as {
    inverters: { serial: string; shortAddress: number; ecuId: string }[];
  };
  const rec = book.inverters.find((i) => i.serial === serial);
  if (!rec) throw new Error(`${serial} is not in ${dataDir}/pairing.json`);
  // A controller killed just after its SYS_RESET_REQ leaves the stick rebooting: it reads nothing for a
  // moment, as a real one would, and a new host's first bring-up can time out. Try again, like anyone would.
  for (let attempt = 1; ; attempt++) {
    try {
      return await setOnce(stickUrl, rec, serial, perPanelW);
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

async function setOnce(
  stickUrl: string,
  rec: { shortAddress: number; ecuId: string },
  serial: string,
  perPanelW: number,
): Promise<{ outcome: string; limitW: number | undefined }> {
  const stick = new Stick({
    port: stickUrl,
    ecuId: rec.ecuId,
    polling: false,
    coordinator: { healthIntervalMs: 0 },
  });
  try {
    await stick.start();
    stick.addInverter({ serial, shortAddress: rec.shortAddress, model: modelForSerial(serial)! });
    const r = await stick.setMaxPower(serial, perPanelW);
    return { outcome: r.outcome, limitW: r.limit?.limitW };
  } finally {
    await stick.stop();
  }
}
