/** Inverters and a site for the schedule tests: a QS1 (4 panels, 20–500 W each) and a DS3 (30–1100 W). */
import { Schedule } from "../../../src/automations/schedule/core.ts";
import type { ScheduleInverter, ScheduleSite } from "../../../src/automations/schedule/types.ts";
import { modelForSerial } from "../../../src/protocol/models.ts";
import type { ScheduleSettings } from "../../../src/site/config/types.ts";

export const QS1 = "801000012345";
export const DS3 = "703000054321";

/** Amsterdam, Dam square. */
export const AMSTERDAM: ScheduleSite = { timezone: "Europe/Amsterdam", latitude: 52.373, longitude: 4.893 };

export function inverters(): ScheduleInverter[] {
  return [
    { serial: QS1, label: "QS1 roof", model: modelForSerial(QS1)! },
    { serial: DS3, label: "DS3 shed", model: modelForSerial(DS3)! },
  ];
}

export function schedule(settings: ScheduleSettings, invs = inverters()): Schedule {
  return new Schedule(invs, settings, AMSTERDAM);
}

/** ISO time → epoch ms. */
export const at = (iso: string): number => Date.parse(iso);
