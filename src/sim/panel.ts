/**
 * A PV module from its datasheet values, and where an inverter input operates on its I-V curve.
 *
 * Curve shape: the explicit exponential model I(V) = Isc·(1 − C1·(exp(V/(C2·Voc)) − 1)), whose C1
 * and C2 make it pass through (0, Isc), (Vmp, Imp) and (Voc, 0). Away from STC the curve is scaled:
 * voltage by the Voc temperature coefficient and a logarithmic low-light drop, current so that the
 * maximum power follows the datasheet Pmax temperature coefficient. Cell temperature: NOCT model.
 */

export interface PanelSpec {
  /** Rated power at STC, W. */
  wp: number;
  vmpV: number;
  impA: number;
  vocV: number;
  iscA: number;
  /** %/°C, default -0.35 */
  tempCoeffPmaxPctPerC?: number;
  /** %/°C, default -0.28 */
  tempCoeffVocPctPerC?: number;
  /** Degrees from horizontal. */
  tiltDeg: number;
  /** Compass bearing the panel faces, 180 = south. */
  azimuthDeg: number;
  /** 0..1, fraction of irradiance lost to shade, default 0. */
  shading?: number;
  /** Nominal operating cell temperature (800 W/m², 20 °C air, 1 m/s wind), default 45 °C. */
  noctC?: number;
}

export type ResolvedPanelSpec = Required<PanelSpec>;

export const PANEL_DEFAULTS = {
  tempCoeffPmaxPctPerC: -0.35,
  tempCoeffVocPctPerC: -0.28,
  shading: 0,
  noctC: 45,
} as const;

export interface OperatingPoint {
  voltageV: number;
  currentA: number;
  powerW: number;
}

/** Input-side limits of an inverter (QS1 datasheet, DESIGN.md §5). */
export interface InputWindow {
  mpptV: readonly [number, number];
  operatingV: readonly [number, number];
  maxInputA: number;
}

const STC_WM2 = 1000;
const STC_CELL_C = 25;
/** Below this the panel is dark: no voltage, no current. */
const DARK_WM2 = 1e-6;
/** Thermal voltage × ideality per cell at 25 °C; crystalline cells have Voc ≈ 0.68 V each. */
const VOLTS_PER_EFOLD_PER_CELL = 0.0257;
const VOC_PER_CELL = 0.68;

export class IvCurve {
  readonly vocV: number;
  readonly iscA: number;
  readonly mpp: OperatingPoint;

  /** `stc` is the panel's STC shape; `vScale`/`iScale` stretch it to the present conditions. */
  constructor(
    private readonly stc: StcShape,
    private readonly vScale: number,
    private readonly iScale: number,
  ) {
    this.vocV = stc.vocV * vScale;
    this.iscA = stc.iscA * iScale;
    this.mpp = this.pointAt(stc.mppV * vScale);
  }

  currentAt(v: number): number {
    if (this.vScale <= 0 || v >= this.vocV) return 0;
    return this.iScale * this.stc.currentAt(Math.max(0, v) / this.vScale);
  }

  pointAt(v: number): OperatingPoint {
    const currentA = this.currentAt(v);
    return { voltageV: v, currentA, powerW: v * currentA };
  }

  openCircuit(): OperatingPoint {
    return { voltageV: this.vocV, currentA: 0, powerW: 0 };
  }
}

class StcShape {
  private readonly c1: number;
  private readonly c2: number;
  readonly mppV: number;
  readonly mppW: number;

  constructor(
    readonly vocV: number,
    readonly iscA: number,
    vmpV: number,
    impA: number,
  ) {
    this.c2 = (vmpV / vocV - 1) / Math.log(1 - impA / iscA);
    this.c1 = (1 - impA / iscA) * Math.exp(-vmpV / (this.c2 * vocV));
    // The fitted curve passes through (Vmp, Imp) but its power peak can sit slightly off it.
    this.mppV = goldenMax((v) => v * this.currentAt(v), 0, vocV);
    this.mppW = this.mppV * this.currentAt(this.mppV);
  }

  currentAt(v: number): number {
    return Math.max(0, this.iscA * (1 - this.c1 * (Math.exp(v / (this.c2 * this.vocV)) - 1)));
  }
}

function goldenMax(f: (x: number) => number, lo: number, hi: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  for (let i = 0; i < 80; i++) {
    const x1 = b - r * (b - a);
    const x2 = a + r * (b - a);
    if (f(x1) < f(x2)) a = x1;
    else b = x2;
  }
  return (a + b) / 2;
}

export class Panel {
  readonly spec: ResolvedPanelSpec;
  private readonly stc: StcShape;
  private readonly voltsPerEfold: number;

  constructor(spec: PanelSpec) {
    this.spec = { ...PANEL_DEFAULTS, ...spec };
    validate(this.spec);
    const s = this.spec;
    this.stc = new StcShape(s.vocV, s.iscA, s.vmpV, s.impA);
    this.voltsPerEfold = Math.round(s.vocV / VOC_PER_CELL) * VOLTS_PER_EFOLD_PER_CELL;
  }

  /** Irradiance the cells receive after the panel's own shading and any extra loss (0..1). */
  effectiveWm2(poaWm2: number, extraLoss = 0): number {
    return Math.max(0, poaWm2) * (1 - this.spec.shading) * (1 - extraLoss);
  }

  cellTemperatureC(effectiveWm2: number, ambientC: number): number {
    return ambientC + ((this.spec.noctC - 20) / 800) * effectiveWm2;
  }

  /** I-V curve for the plane-of-array irradiance and air temperature; `extraLoss` is injected shade. */
  curve(poaWm2: number, ambientC: number, extraLoss = 0): IvCurve {
    const g = this.effectiveWm2(poaWm2, extraLoss);
    if (g <= DARK_WM2) return new IvCurve(this.stc, 0, 0);
    const s = this.spec;
    const dT = this.cellTemperatureC(g, ambientC) - STC_CELL_C;
    const vTemp = 1 + (s.tempCoeffVocPctPerC / 100) * dT;
    const vLight = Math.max(0, 1 + (this.voltsPerEfold * Math.log(g / STC_WM2)) / s.vocV);
    const vScale = vTemp * vLight;
    if (vScale <= 0) return new IvCurve(this.stc, 0, 0);
    // Low-light efficiency falls about half as fast as Voc (typical datasheet curves: ~97 % at 200 W/m²).
    const pmaxW = s.wp * (g / STC_WM2) * (1 + (s.tempCoeffPmaxPctPerC / 100) * dT) * Math.sqrt(vLight);
    return new IvCurve(this.stc, vScale, Math.max(0, pmaxW) / (this.stc.mppW * vScale));
  }
}

function validate(s: ResolvedPanelSpec): void {
  const where = `panel {wp: ${s.wp}, vmpV: ${s.vmpV}, impA: ${s.impA}, vocV: ${s.vocV}, iscA: ${s.iscA}}`;
  for (const k of ["wp", "vmpV", "impA", "vocV", "iscA", "noctC"] as const) {
    if (!(Number.isFinite(s[k]) && s[k] > 0))
      throw new RangeError(`${where}: ${k} must be a positive number`);
  }
  if (s.vmpV >= s.vocV)
    throw new RangeError(`${where}: vmpV must be below vocV (check the datasheet columns)`);
  if (s.impA >= s.iscA)
    throw new RangeError(`${where}: impA must be below iscA (check the datasheet columns)`);
  if (!(s.shading >= 0 && s.shading <= 1)) throw new RangeError(`${where}: shading must be within 0..1`);
  if (!(Number.isFinite(s.tiltDeg) && s.tiltDeg >= 0 && s.tiltDeg <= 90)) {
    throw new RangeError(`${where}: tiltDeg must be within 0..90`);
  }
  if (!Number.isFinite(s.azimuthDeg)) throw new RangeError(`${where}: azimuthDeg must be a number`);
}

/**
 * Where MPPT puts the input: the curve's MPP clamped to the MPPT window; if the panel cannot reach
 * the window's floor, the MPP itself as long as it is inside the operating range; below that, no
 * production. The input current is capped at `maxInputA` by moving towards Voc.
 */
export function mpptPoint(curve: IvCurve, window: InputWindow): OperatingPoint {
  const [opLo] = window.operatingV;
  if (curve.vocV <= opLo) return curve.openCircuit();
  let v = Math.min(window.mpptV[1], Math.max(window.mpptV[0], curve.mpp.voltageV));
  if (v >= curve.vocV) {
    if (curve.mpp.voltageV < opLo) return curve.openCircuit();
    v = curve.mpp.voltageV;
  }
  const p = curve.pointAt(v);
  if (p.currentA <= window.maxInputA) return p;
  return solveRight(curve, v, (q) => q.currentA - window.maxInputA);
}

/**
 * The point at or right of `fromV` (between there and Voc) delivering `powerW`: how an inverter
 * clips — it raises the voltage off the MPP towards Voc until V·I matches what it may output.
 */
export function pointAtPower(curve: IvCurve, fromV: number, powerW: number): OperatingPoint {
  if (powerW <= 0) return curve.openCircuit();
  return solveRight(curve, fromV, (q) => q.powerW - powerW);
}

/** Bisection for `excess` (decreasing in V right of the MPP) crossing 0; returns the side with excess ≤ 0. */
function solveRight(curve: IvCurve, fromV: number, excess: (p: OperatingPoint) => number): OperatingPoint {
  let lo = fromV;
  let hi = curve.vocV;
  if (excess(curve.pointAt(lo)) <= 0) return curve.pointAt(lo);
  for (let i = 0; i < 60 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (excess(curve.pointAt(mid)) > 0) lo = mid;
    else hi = mid;
  }
  return curve.pointAt(hi);
}
