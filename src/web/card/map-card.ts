/**
 * `localecu-map-card`: the roof as laid out in site.yaml's `map`, every panel a tile coloured by what it
 * gives per Wp, grouped by inverter, with the fault module's findings. Draws from `hass` and its config
 * only (HA's custom card contract: setConfig, getCardSize, getStubConfig, getConfigElement).
 */
import { html, LitElement, nothing, type TemplateResult } from "lit";
import { type MapCardConfig, validateConfig } from "./config.ts";
import type { HassLike } from "./hass.ts";
import "./map-card-editor.ts";
import { findMap } from "./resolve.ts";
import { cardStyles } from "./styles.ts";
import { type ArrayView, arrayViews, type InverterBlock, tileTitle } from "./tiles.ts";

/** Pixels per metre for free (x/y) arrays. */
const FREE_SCALE = 60;

export class LocalecuMapCard extends LitElement {
  static override properties = { hass: { attribute: false }, config: { state: true } };
  static override styles = cardStyles;
  declare hass?: HassLike;
  declare config?: MapCardConfig;

  setConfig(config: unknown): void {
    this.config = validateConfig(config);
  }

  getCardSize(): number {
    const found = this.hass && findMap(this.hass, this.config?.entity);
    const rows = found?.map.arrays.reduce((n, a) => n + 1 + 2 * (a.rows ?? 2), 0) ?? 3;
    return (this.config?.title ? 1 : 0) + rows;
  }

  static getStubConfig(hass: HassLike): MapCardConfig {
    const found = findMap(hass, undefined);
    return { type: "custom:localecu-map-card", ...(found ? { entity: found.entity } : {}) };
  }

  static getConfigElement(): HTMLElement {
    return document.createElement("localecu-map-card-editor");
  }

  protected override render(): TemplateResult {
    const title = this.config?.title ? html`<h1>${this.config.title}</h1>` : nothing;
    if (!this.hass || !this.config) return html`<ha-card>${title}</ha-card>`;
    const found = findMap(this.hass, this.config.entity);
    if (!found) {
      const what = this.config.entity ?? "a localecu Roof map sensor";
      return html`<ha-card
        >${title}
        <p class="error">
          No map found in ${what}. Give site.yaml a <code>map:</code> and check that localecu's site device
          is in Home Assistant.
        </p></ha-card
      >`;
    }
    return html`<ha-card>${title}${arrayViews(this.hass, found.map).map((v) => this.renderArray(v))}</ha-card>`;
  }

  private renderArray(v: ArrayView): TemplateResult {
    const { array } = v;
    if (array.rows !== undefined && array.columns !== undefined) {
      const taken = new Set(v.blocks.map((b) => `${b.cell.row},${b.cell.column}`));
      const slots: TemplateResult[] = [];
      for (let r = 1; r <= array.rows; r++)
        for (let c = 1; c <= array.columns; c++)
          if (!taken.has(`${r},${c}`))
            slots.push(html`<div class="slot" style="grid-row:${r};grid-column:${c}"></div>`);
      return html`<section class="array" data-array=${array.name}>
        <div class="caption">${v.caption}</div>
        <div class="grid" style="grid-template-columns:repeat(${array.columns},max-content)">
          ${slots}${v.blocks.map((b) => this.renderBlock(b, `grid-row:${b.cell.row};grid-column:${b.cell.column}`))}
        </div>
      </section>`;
    }
    const xs = v.blocks.map((b) => b.cell.x ?? 0);
    const ys = v.blocks.map((b) => b.cell.y ?? 0);
    const height = (Math.max(0, ...ys) - Math.min(0, ...ys)) * FREE_SCALE + 150;
    const left = (b: InverterBlock) => ((b.cell.x ?? 0) - Math.min(0, ...xs)) * FREE_SCALE;
    const top = (b: InverterBlock) => ((b.cell.y ?? 0) - Math.min(0, ...ys)) * FREE_SCALE;
    return html`<section class="array" data-array=${array.name}>
      <div class="caption">${v.caption}</div>
      <div class="free" style="height:${height}px">
        ${v.blocks.map((b) => this.renderBlock(b, `left:${left(b)}px;top:${top(b)}px`))}
      </div>
    </section>`;
  }

  private renderBlock(b: InverterBlock, place: string): TemplateResult {
    const fault = b.findings.length > 0;
    const columns = b.panels.length >= 2 ? 2 : 1;
    return html`<div
      class="inverter ${fault ? "fault" : ""}"
      style=${place}
      data-serial=${b.serial}
      title=${[`${b.name} (${b.model ?? "inverter"} ${b.serial})`, ...b.findings.map((f) => `⚠ ${f}`)].join("\n")}
    >
      <div class="name">${fault ? "⚠ " : ""}${b.name}</div>
      <div class="panels" style="grid-template-columns:repeat(${columns},1fr)">
        ${b.panels.map(
          (p) => html`<button
            class="tile ${p.lagging ? "lagging" : ""} ${p.watts === undefined ? "unknown" : ""}"
            style="--level:${Math.round(p.level * 100)}%"
            title=${tileTitle(b, p)}
            data-entity=${p.entity ?? ""}
            data-watts=${p.watts ?? ""}
            @click=${() => this.moreInfo(p.entity ?? b.problem)}
          >
            ${p.label}${
              this.config?.show_watts === false
                ? nothing
                : html`<span class="watts">${p.watts === undefined ? "—" : `${Math.round(p.watts)} W`}</span>`
            }
            ${fault ? html`<span class="mark" aria-label="open finding">!</span>` : nothing}
          </button>`,
        )}
      </div>
    </div>`;
  }

  /** HA's more-info dialog listens for this event on the way up (bubbles, crosses shadow roots). */
  private moreInfo(entityId: string | undefined): void {
    if (!entityId) return;
    this.dispatchEvent(
      new CustomEvent("hass-more-info", { detail: { entityId }, bubbles: true, composed: true }),
    );
  }
}
