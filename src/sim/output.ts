/** One instant of an inverter's power stage: MPPT per input, then the AC caps, then clipping. */
import { type InputWindow, type IvCurve, mpptPoint, pointAtPower } from "./panel.ts";
import { SIM_DC_TO_AC_EFFICIENCY as DC_TO_AC_EFFICIENCY } from "./wire/scales.ts";

export interface ChannelOutput {
  voltageV: number;
  currentA: number;
  dcPowerW: number;
  /** This input's share of the AC output: DC power × efficiency. */
  acPowerW: number;
}

export interface OutputCaps {
  /** AC cap per input (QS1/YC600 per-panel limit); Infinity where the limit is per inverter. */
  perChannelAcW: number;
  /** AC cap for the whole inverter: datasheet rating, DS3 limit, start-up ramp. */
  totalAcW: number;
}

const OPEN: ChannelOutput = Object.freeze({ voltageV: 0, currentA: 0, dcPowerW: 0, acPowerW: 0 });

/**
 * `curves[i]` null = input disconnected (reads 0 V, 0 A). When not `producing` (off, fault) every
 * connected input sits at open circuit: full Voc, no current. Over a cap the AC is shared out in
 * proportion to what each input could give, and each clipped input moves right of its MPP.
 */
export function computeChannels(
  curves: readonly (IvCurve | null)[],
  window: InputWindow,
  producing: boolean,
  caps: OutputCaps,
): ChannelOutput[] {
  if (!producing) {
    return curves.map((c) => (c ? { voltageV: c.vocV, currentA: 0, dcPowerW: 0, acPowerW: 0 } : OPEN));
  }
  const mppts = curves.map((c) => (c ? mpptPoint(c, window) : null));
  const ac = mppts.map((p) => Math.min(caps.perChannelAcW, (p?.powerW ?? 0) * DC_TO_AC_EFFICIENCY));
  const total = ac.reduce((s, w) => s + w, 0);
  const scale = total > caps.totalAcW ? Math.max(0, caps.totalAcW) / total : 1;

  return curves.map((c, i) => {
    const p = mppts[i];
    if (!c || !p) return OPEN;
    const allowedAc = ac[i]! * scale;
    const possibleAc = p.powerW * DC_TO_AC_EFFICIENCY;
    const q = allowedAc < possibleAc ? pointAtPower(c, p.voltageV, allowedAc / DC_TO_AC_EFFICIENCY) : p;
    return {
      voltageV: q.voltageV,
      currentA: q.currentA,
      dcPowerW: q.powerW,
      acPowerW: q.powerW * DC_TO_AC_EFFICIENCY,
    };
  });
}
