/**
 * The card's visual editor: which Roof map sensor, a title, watts on or off. Plain inputs, so it works
 * before Home Assistant has loaded its own form elements; changes go out as HA's `config-changed` event.
 */
import { html, LitElement, type TemplateResult } from "lit";
import type { MapCardConfig } from "./config.ts";
import type { HassLike } from "./hass.ts";

export class LocalecuMapCardEditor extends LitElement {
  static override properties = { hass: { attribute: false }, config: { state: true } };
  declare hass?: HassLike;
  declare config?: MapCardConfig;

  setConfig(config: MapCardConfig): void {
    this.config = config;
  }

  protected override render(): TemplateResult {
    const maps = Object.values(this.hass?.states ?? {})
      .filter((s) => s && Array.isArray(s.attributes.arrays) && typeof s.attributes.format === "number")
      .map((s) => s!.entity_id);
    const c = this.config ?? { type: "custom:localecu-map-card" };
    return html`<label
        >Roof map sensor
        <select @change=${(e: Event) => this.set("entity", (e.target as HTMLSelectElement).value || undefined)}>
          <option value="" ?selected=${!c.entity}>the first one found</option>
          ${maps.map((id) => html`<option value=${id} ?selected=${c.entity === id}>${id}</option>`)}
        </select></label
      ><br /><label
        >Title
        <input
          .value=${c.title ?? ""}
          @change=${(e: Event) => this.set("title", (e.target as HTMLInputElement).value || undefined)}
      /></label>
      <label
        ><input
          type="checkbox"
          .checked=${c.show_watts !== false}
          @change=${(e: Event) => this.set("show_watts", (e.target as HTMLInputElement).checked ? undefined : false)}
        />
        watts on tiles</label
      >`;
  }

  private set(key: "entity" | "title" | "show_watts", value: string | boolean | undefined): void {
    const next: Record<string, unknown> = { ...(this.config ?? { type: "custom:localecu-map-card" }) };
    if (value === undefined) delete next[key];
    else next[key] = value;
    this.config = next as unknown as MapCardConfig;
    this.dispatchEvent(
      new CustomEvent("config-changed", { detail: { config: next }, bubbles: true, composed: true }),
    );
  }
}

if (!customElements.get("localecu-map-card-editor"))
  customElements.define("localecu-map-card-editor", LocalecuMapCardEditor);
