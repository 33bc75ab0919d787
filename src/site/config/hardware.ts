/**
 * Modules, panels, inverters and branches: resolves references between them and reports what the
 * schema cannot see (duplicate serials, unknown panels, inputs a model does not have, panels wired
 * twice, branches naming unknown inverters).
 */
import { modelByName, modelForSerial } from "../../protocol/models.ts";
import { formatPath, type IssueList, type PathSegment } from "./issues.ts";
import type { RawBranch, RawChannels, RawConfig, RawModule, RawOrientation, RawPanel } from "./raw.ts";
import { closest, suggestHint } from "./suggest.ts";
import type { BranchConfig, Input, InverterConfig, ModuleType, Orientation, Panel } from "./types.ts";

export const INPUTS: readonly Input[] = ["A", "B", "C", "D"];

export function orientationOf(raw: RawOrientation | undefined): Orientation | undefined {
  return raw && { tiltDeg: raw.tilt_deg, azimuthDeg: raw.azimuth_deg };
}

function moduleOf(id: string, path: string, raw: RawModule): ModuleType {
  const m: ModuleType = { id, path, wp: raw.wp, vocV: raw.voc_v, vmpV: raw.vmp_v, iscA: raw.isc_a };
  if (raw.make !== undefined) m.make = raw.make;
  if (raw.model !== undefined) m.model = raw.model;
  if (raw.imp_a !== undefined) m.impA = raw.imp_a;
  if (raw.temp_coeff_voc_pct_per_c !== undefined) m.tempCoeffVocPctPerC = raw.temp_coeff_voc_pct_per_c;
  if (raw.cells !== undefined) m.cells = raw.cells;
  return m;
}

export class Hardware {
  readonly modules = new Map<string, ModuleType>();
  readonly panels = new Map<string, Panel>();
  readonly inverters = new Map<string, InverterConfig>();
  readonly branches: BranchConfig[] = [];
  /** `serial:input` → path where that input was wired, to catch an input wired twice. */
  readonly wired = new Map<string, string>();
  /** panel id → path where it was connected, to catch a panel on two inputs. */
  private readonly connected = new Map<string, string>();

  constructor(private readonly issues: IssueList) {}

  addModules(raw: RawConfig["modules"]): void {
    for (const [id, m] of Object.entries(raw ?? {}))
      this.modules.set(id, moduleOf(id, formatPath(["modules", id]), m));
  }

  addNamedPanels(raw: RawConfig["panels"]): void {
    for (const [id, p] of Object.entries(raw ?? {})) {
      const panel = this.makePanel(id, p, ["panels", id]);
      if (panel) this.panels.set(id, panel);
    }
  }

  addInverters(raw: RawConfig["inverters"]): void {
    raw.forEach((r, i) => {
      const at = ["inverters", i];
      const path = formatPath(at);
      const first = this.inverters.get(r.serial);
      if (first) {
        this.issues.add(
          [...at, "serial"],
          `${r.serial} is already listed at ${first.path}`,
          "each inverter appears once: remove the duplicate or fix the typo",
        );
        return;
      }
      const byPrefix = modelForSerial(r.serial);
      const model = r.model ? modelByName(r.model) : byPrefix;
      if (r.model && byPrefix && model && byPrefix.family !== model.family) {
        this.issues.add(
          [...at, "model"],
          `serial ${r.serial} is a ${byPrefix.model} (prefix ${r.serial.slice(0, 3)}), not a ${r.model}`,
          "remove model: the serial prefix decides the model",
        );
      }
      const label = r.name ?? `${model?.model ?? "Inverter"} ${r.serial}`;
      const inv: InverterConfig = { serial: r.serial, path, label, channels: {}, positions: [] };
      if (r.name !== undefined) inv.name = r.name;
      if (model) inv.model = model;
      if (r.model) inv.modelOverride = r.model;
      this.inverters.set(r.serial, inv);
      if (r.channels) this.connect(inv, r.channels, [...at, "channels"]);
    });
  }

  /** Wire panels to inputs of `inv`; returns the inputs that were wired here. */
  connect(inv: InverterConfig, raw: RawChannels, at: PathSegment[], array?: string): Input[] {
    const done: Input[] = [];
    for (const input of INPUTS) {
      const ref = raw[input];
      if (ref === undefined) continue;
      const here = [...at, input];
      const path = formatPath(here);
      const count = inv.model?.channels;
      if (count !== undefined && INPUTS.indexOf(input) >= count) {
        this.issues.add(
          here,
          `a ${inv.model!.model} has inputs ${INPUTS.slice(0, count).join(", ")} only`,
          `remove input ${input} or check the serial of ${inv.serial}`,
        );
        continue;
      }
      const before = this.wired.get(`${inv.serial}:${input}`);
      if (before) {
        this.issues.add(
          here,
          `input ${input} of ${inv.serial} is already wired at ${before}`,
          "wire each input once",
        );
        continue;
      }
      const panel =
        typeof ref === "string" ? this.namedPanel(ref, here) : this.inlinePanel(inv, input, ref, here);
      if (!panel) continue;
      const elsewhere = this.connected.get(panel.id);
      if (elsewhere) {
        this.issues.add(
          here,
          `panel ${panel.id} is already connected at ${elsewhere}`,
          "a panel feeds one input",
        );
        continue;
      }
      this.wired.set(`${inv.serial}:${input}`, path);
      this.connected.set(panel.id, path);
      panel.inverter = inv.serial;
      panel.input = input;
      if (array !== undefined && panel.array === undefined) panel.array = array;
      inv.channels[input] = panel.id;
      done.push(input);
    }
    return done;
  }

  addBranches(raw: RawBranch[] | undefined): void {
    (raw ?? []).forEach((b, i) => {
      const at = ["branches", i];
      const name = b.name ?? `Branch ${i + 1}`;
      const serials: string[] = [];
      b.inverters.forEach((serial, j) => {
        const inv = this.inverters.get(serial);
        if (!inv) {
          this.issues.add([...at, "inverters", j], `unknown inverter ${serial}`, this.serialHint(serial));
        } else if (inv.branch !== undefined) {
          this.issues.add(
            [...at, "inverters", j],
            `${serial} is already on branch "${inv.branch}"`,
            "an inverter is fed by one branch",
          );
        } else {
          inv.branch = name;
          serials.push(serial);
        }
      });
      this.branches.push({ name, path: formatPath(at), breakerA: b.breaker_a, inverters: serials });
    });
  }

  serialHint(serial: string): string {
    const near = closest(serial, [...this.inverters.keys()]);
    return near === undefined ? "add it under inverters: first" : `did you mean ${near}?`;
  }

  private namedPanel(id: string, at: PathSegment[]): Panel | undefined {
    const panel = this.panels.get(id);
    if (!panel)
      this.issues.add(at, `unknown panel "${id}"`, suggestHint(id, [...this.panels.keys()], "panels"));
    return panel;
  }

  private inlinePanel(
    inv: InverterConfig,
    input: Input,
    raw: RawPanel,
    at: PathSegment[],
  ): Panel | undefined {
    const id = (typeof raw === "object" ? raw.id : undefined) ?? `${inv.serial}-${input}`;
    if (this.panels.has(id)) {
      this.issues.add(
        [...at, "id"],
        `panel id "${id}" is already used by ${this.panels.get(id)!.path}`,
        "give it another id",
      );
      return undefined;
    }
    const panel = this.makePanel(id, raw, at);
    if (panel) this.panels.set(id, panel);
    return panel;
  }

  private makePanel(id: string, raw: RawPanel, at: PathSegment[]): Panel | undefined {
    const obj = typeof raw === "string" ? { module: raw } : raw;
    const modAt = typeof raw === "string" ? at : [...at, "module"];
    let module: ModuleType | undefined;
    if (typeof obj.module === "string") {
      module = this.modules.get(obj.module);
      if (!module) {
        this.issues.add(
          modAt,
          `unknown module type "${obj.module}"`,
          suggestHint(obj.module, [...this.modules.keys()], "module types"),
        );
        return undefined;
      }
    } else module = moduleOf(id, formatPath(modAt), obj.module);
    const panel: Panel = { id, path: formatPath(at), module };
    if (obj.name !== undefined) panel.name = obj.name;
    if (obj.array !== undefined) panel.array = obj.array;
    const o = orientationOf(obj.orientation);
    if (o) panel.orientation = o;
    return panel;
  }
}
