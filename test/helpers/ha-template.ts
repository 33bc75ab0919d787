/**
 * Jinja template checks for the HA discovery checker: syntax sanity for any template, and a tiny renderer
 * for the forms we publish, so tests can render a discovery template against a real state payload the way
 * Home Assistant would (MQTT templates get `value` and `value_json`; HA renders Python values with str():
 * None, True/False).
 *
 * Syntax rules (Jinja, https://jinja.palletsprojects.com/en/stable/templates/#synopsis): `{{ … }}`,
 * `{% … %}` and `{# … #}` are balanced and non-empty, and brackets and quotes inside them are balanced.
 */

export function templateProblems(template: string, uses: "value" | "value_or_json"): string[] {
  if (typeof template !== "string") return [`must be a string, got ${typeof template}`];
  const problems: string[] = [];
  const expressions: string[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.slice(i).search(/\{[{%#]/);
    const close = template.slice(i).search(/[}%#]\}/);
    if (open === -1) {
      if (close !== -1)
        problems.push(`'${template.slice(i + close, i + close + 2)}' without a matching opener`);
      break;
    }
    if (close !== -1 && close < open) {
      problems.push(`'${template.slice(i + close, i + close + 2)}' without a matching opener`);
      break;
    }
    const start = i + open;
    const kind = template[start + 1]!;
    const closer = { "{": "}}", "%": "%}", "#": "#}" }[kind]!;
    const end = template.indexOf(closer, start + 2);
    if (end === -1) {
      problems.push(`'{${kind}' at ${start} is never closed with '${closer}'`);
      break;
    }
    const body = template.slice(start + 2, end).trim();
    if (body === "") problems.push(`empty '{${kind} ${closer}' at ${start}`);
    else if (kind !== "#") {
      const b = balance(body);
      if (b) problems.push(`${b} in '${body}'`);
      expressions.push(body);
    }
    i = end + 2;
  }
  const mentions = (re: RegExp) => expressions.some((e) => re.test(stripStrings(e)));
  if (uses === "value" && !mentions(/\bvalue\b/)) problems.push("a command template must use `value`");
  if (uses === "value_or_json" && !mentions(/\bvalue(_json)?\b/)) {
    problems.push("a value template must read `value` or `value_json`");
  }
  if (mentions(/\bvalue_json\s*\.\s*(?![A-Za-z_])/))
    problems.push("`value_json.` must be followed by a name");
  return problems;
}

function stripStrings(e: string): string {
  return e.replace(/'[^']*'|"[^"]*"/g, "''");
}

function balance(expr: string): string | undefined {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  let quote: string | undefined;
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if ("([{".includes(ch)) stack.push(ch);
    else if (ch in pairs) {
      if (stack.pop() !== pairs[ch]) return `unbalanced '${ch}'`;
    }
  }
  if (quote) return `unclosed ${quote}`;
  if (stack.length > 0) return `unclosed '${stack[stack.length - 1]}'`;
  return undefined;
}

/** Python's str() of a JSON value, as HA's template output shows it. */
export function pythonStr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return JSON.stringify(v);
}

/**
 * Renders the template forms we publish: literal text with `{{ value }}`, `{{ value_json.a.b }}`,
 * `{{ value_json['a'] }}`, each optionally `| tojson`. Anything else → undefined (not renderable here).
 * A missing key renders as Jinja's undefined → "" (HA warns and keeps the old state).
 */
export function renderTemplate(
  template: string,
  vars: { value?: unknown; value_json?: unknown },
): string | undefined {
  let unsupported = false;
  const out = template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_m, expr: string) => {
    const m = /^(value_json|value)((?:\.[A-Za-z_]\w*|\[\s*(?:'[^']*'|"[^"]*")\s*\])*)\s*(\|\s*tojson)?$/.exec(
      expr,
    );
    if (!m) {
      unsupported = true;
      return "";
    }
    let v: unknown = m[1] === "value" ? vars.value : vars.value_json;
    for (const part of m[2]!.match(/\.[A-Za-z_]\w*|\[[^\]]*\]/g) ?? []) {
      const key = part.startsWith(".") ? part.slice(1) : part.slice(1, -1).trim().slice(1, -1);
      v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
    }
    if (m[3]) return JSON.stringify(v ?? null);
    return v === undefined ? "" : pythonStr(v);
  });
  return unsupported || /\{[%#]/.test(out) ? undefined : out;
}
