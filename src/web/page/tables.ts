/**
 * The local page's tables, from the same `hass` the card gets: inverters (status, power, energy today,
 * problem), the open findings, and the export limiter's entities.
 */
import { html, type TemplateResult } from "lit";
import type { HassEntityState } from "../card/hass.ts";
import type { MirrorHass } from "../mirror.ts";

interface Device {
  name: string;
  serial?: string;
  byKey: Map<string, HassEntityState>;
}

function devices(h: MirrorHass): Device[] {
  const out = new Map<string, Device>();
  for (const e of Object.values(h.entities)) {
    const dev = h.devices[e.device_id];
    const state = h.states[e.entity_id];
    if (!dev || !state) continue;
    let d = out.get(e.device_id);
    if (!d) {
      const serial = dev.identifiers?.map(([, id]) => /^localecu_(\d{12})$/.exec(id)?.[1]).find(Boolean);
      d = { name: dev.name ?? e.device_id, ...(serial ? { serial } : {}), byKey: new Map() };
      out.set(e.device_id, d);
    }
    d.byKey.set(e.key, state);
  }
  return [...out.values()];
}

const show = (s: HassEntityState | undefined) =>
  s === undefined || s.state === "unknown"
    ? "—"
    : `${s.state}${s.attributes.unit_of_measurement ? ` ${s.attributes.unit_of_measurement}` : ""}`;

interface Finding {
  where: string;
  title?: string;
  advice?: string;
  severity?: string;
  since?: string;
}

export function tables(h: MirrorHass): TemplateResult {
  const all = devices(h);
  const inverters = all.filter((d) => d.serial).sort((a, b) => a.name.localeCompare(b.name));
  const site = all.find((d) => d.byKey.has("export_limit_state") || d.byKey.has("roof_map"));
  const findings: Finding[] = [];
  for (const d of all) {
    const list = (d.byKey.get("problem") ?? d.byKey.get("faults_open"))?.attributes.findings;
    if (Array.isArray(list)) for (const f of list as Finding[]) findings.push({ ...f, where: d.name });
  }
  const limiter = site ? [...site.byKey.entries()].filter(([k]) => k.startsWith("export_limit")) : [];
  return html`<section>
      <h2>Inverters</h2>
      <table>
        <tr><th>Inverter</th><th>Serial</th><th>Status</th><th>Power</th><th>Energy today</th><th>Problem</th></tr>
        ${inverters.map(
          (d) => html`<tr data-serial=${d.serial}>
            <td>${d.name}</td><td class="muted">${d.serial}</td><td>${show(d.byKey.get("status"))}</td>
            <td class="num">${show(d.byKey.get("power"))}</td><td class="num">${show(d.byKey.get("energy_today"))}</td>
            <td class=${d.byKey.get("problem")?.state === "on" ? "problem" : "muted"}>
              ${d.byKey.has("problem") ? (d.byKey.get("problem")!.state === "on" ? "yes" : "no") : "—"}
            </td>
          </tr>`,
        )}
      </table>
    </section>
    <section>
      <h2>Open findings</h2>
      ${
        findings.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<table>
            <tr><th>Where</th><th>Severity</th><th>Finding</th><th>Since</th></tr>
            ${findings.map(
              (f) => html`<tr>
                <td>${f.where}</td><td>${f.severity ?? ""}</td>
                <td><b>${f.title ?? ""}</b><br /><span class="muted">${f.advice ?? ""}</span></td>
                <td class="muted">${f.since ?? ""}</td>
              </tr>`,
            )}
          </table>`
      }
    </section>
    <section>
      <h2>Export limiter</h2>
      ${
        limiter.length === 0
          ? html`<p class="muted">Not configured (automations.export_limit in site.yaml).</p>`
          : html`<table>
            ${limiter.map(
              ([k, s]) => html`<tr data-key=${k}>
                <td>${String(s.attributes.friendly_name ?? k).replace(`${site!.name} `, "")}</td>
                <td class="num">${show(s)}</td>
                <td class="muted">${typeof s.attributes.reason === "string" ? s.attributes.reason : ""}</td>
              </tr>`,
            )}
          </table>`
      }
    </section>`;
}
