#!/usr/bin/with-contenv bashio
# shellcheck shell=bash
# Starts localecu inside the add-on: writes site.yaml from the add-on's options (or takes the user's own
# site.yaml from the add-on config folder), the broker from the supervisor's MQTT service, then runs it.
# The MQTT password goes to a file only localecu reads (mqtt.password_file); it is never printed.
# Home Assistant's websocket API needs nothing here: localecu uses SUPERVISOR_TOKEN when
# homeassistant: has no url (src/ha/credentials.ts).
set -euo pipefail

DATA="${LOCALECU_ADDON_DATA:-/data}"       # the add-on's persistent folder
CONFIG_DIR="${LOCALECU_ADDON_CONFIG:-/config}" # addon_configs/<slug> on the host (map: addon_config)
OPTIONS="${DATA}/options.json"
SITE="${DATA}/site.yaml"
PASSWORD_FILE="${DATA}/mqtt-password"
# The local page behind Home Assistant's ingress: config.yaml's ingress_port (a test keeps them equal).
# Ingress reaches the add-on over the supervisor's network, so the page listens on the container's
# addresses; the add-on publishes no port, so the LAN does not see it.
WEB_JSON='{"port":8099,"bind":"0.0.0.0"}'

if ! bashio::services.available "mqtt"; then
  bashio::exit.nok "No MQTT broker: install and start the Mosquitto broker add-on, then restart localecu"
fi
host="$(bashio::services mqtt "host")"
port="$(bashio::services mqtt "port")"
username="$(bashio::services mqtt "username")"
password="$(bashio::services mqtt "password")"
scheme="mqtt"
if [[ "$(bashio::services mqtt "ssl")" == "true" ]]; then scheme="mqtts"; fi

umask 077
if [[ -n "${password}" ]]; then
  printf '%s' "${password}" >"${PASSWORD_FILE}"
else
  rm -f "${PASSWORD_FILE}"
  PASSWORD_FILE=""
fi
unset password

# The broker as site.yaml's mqtt: section (JSON is YAML); empty values are left out.
mqtt_json="$(jq -cn --arg url "${scheme}://${host}:${port}" --arg user "${username}" \
  --arg pw "${PASSWORD_FILE}" --slurpfile o "${OPTIONS}" '
  def clean: with_entries(select(.value != null and .value != ""));
  {url: $url, username: $user, password_file: $pw,
   base_topic: $o[0].base_topic, discovery_prefix: $o[0].discovery_prefix} | clean')"

site_file="$(jq -r '.site_file // ""' "${OPTIONS}")"
if [[ -n "${site_file}" ]]; then
  src="${CONFIG_DIR}/${site_file}"
  [[ -f "${src}" ]] || bashio::exit.nok "site_file: ${src} does not exist — put your site.yaml in the add-on config folder (addon_configs/…localecu) or clear site_file"
  if grep -q '^mqtt:' "${src}"; then
    bashio::exit.nok "site_file: ${src} has an mqtt: section — remove it: the add-on takes the broker from the MQTT service"
  fi
  {
    cat "${src}"
    printf '\nmqtt: %s\n' "${mqtt_json}"
    if ! grep -q '^web:' "${src}"; then printf 'web: %s\n' "${WEB_JSON}"; fi
  } >"${SITE}"
  if grep -q '^web:' "${src}"; then
    bashio::log.warning "site_file: ${src} has a web: section; the page in Home Assistant needs web: {port: 8099, bind: 0.0.0.0}"
  fi
  bashio::log.info "localecu: site from ${src}, broker ${scheme}://${host}:${port}"
else
  # Every option → its site.yaml key (DOCS.md lists them). Time zone: the option, else the supervisor's TZ.
  jq -n --slurpfile o "${OPTIONS}" --argjson mqtt "${mqtt_json}" --arg tz "${TZ:-UTC}" \
    --arg data "${DATA}/localecu" --argjson web "${WEB_JSON}" '
    def clean: with_entries(select(.value != null and .value != "" and .value != {}));
    $o[0] as $o |
    {
      stick: (if $o.stick_port then {port: $o.stick_port, ecu_id: $o.ecu_id} | clean else null end),
      mqtt: $mqtt,
      homeassistant: {},
      site: ({name: $o.site_name, timezone: ($o.timezone // $tz), latitude: $o.latitude,
              longitude: $o.longitude, data_dir: $data} | clean),
      inverters: [($o.inverters // [])[] | {serial, name} | clean],
      automations: ({
        export_limit: (if $o.export_limit_meter then
          {target_w: $o.export_limit_target_w, meter: {entity: $o.export_limit_meter}} else null end),
        faults: (if $o.faults then {enabled: true}
          + (if ($o.fault_notify // []) | length > 0 then {notify: $o.fault_notify} else {} end) else null end)
      } | with_entries(select(.value != null))),
      poll: {interval_s: $o.poll_interval_s},
      web: $web
    } | with_entries(select(.value != null))' >"${SITE}"
  bashio::log.info "localecu: site.yaml written from the add-on options, broker ${scheme}://${host}:${port}"
  if [[ "$(jq -r '.stick_port // ""' "${OPTIONS}")" == "" ]]; then
    bashio::exit.nok "stick_port: choose the ZigBee stick in the add-on's Configuration tab (or set site_file)"
  fi
fi

export LOCALECU_LOG_LEVEL
LOCALECU_LOG_LEVEL="$(jq -r '.log_level // "info"' "${OPTIONS}")"
export LOCALECU_LOG_FORMAT=pretty
exec localecu start --config "${SITE}"
