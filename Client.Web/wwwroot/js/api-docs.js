// Renders the grader's OpenAPI document as a readable reference: operations grouped by resource, each
// with its summary, parameters, body and responses, then the schemas. Built from DOM nodes and
// textContent only, so nothing in the document is ever parsed as HTML.
(() => {
  const root = document.getElementById("api-reference");
  if (!root) return;
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  };
  const refName = (ref) => ref.split("/").pop();
  const typeOf = (schema) => {
    if (!schema) return "";
    if (schema.$ref) return refName(schema.$ref);
    if (schema.type === "array" || (Array.isArray(schema.type) && schema.type.includes("array"))) return `${typeOf(schema.items)}[]`;
    const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== "null").join(" | ") : schema.type || (schema.oneOf ? schema.oneOf.map(typeOf).join(" | ") : "object");
    return schema.format ? `${type} (${schema.format})` : type;
  };
  const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

  const render = (doc) => {
    root.replaceChildren();
    if (doc.info?.description) root.append(el("p", {}, doc.info.description));
    const schemes = Object.entries(doc.components?.securitySchemes ?? {});
    if (schemes.length) {
      root.append(el("h2", {}, "Signing in"));
      const list = el("ul", { "data-testid": "api-schemes" });
      for (const [name, s] of schemes) list.append(el("li", {}, el("strong", {}, name), ` (${s.type}${s.scheme ? " " + s.scheme : ""}${s.in ? " in " + s.in : ""}${s.name ? " " + s.name : ""}): ${s.description ?? ""}`));
      root.append(list);
    }
    const groups = new Map();
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      const group = path.split("/")[2] ?? "other";
      for (const method of ["get", "post", "put", "patch", "delete"]) {
        if (item[method]) (groups.get(group) ?? groups.set(group, []).get(group)).push([method, path, item[method]]);
      }
    }
    for (const [group, operations] of groups) {
      root.append(el("h2", { id: `api-${slug(group)}` }, group));
      for (const [method, path, op] of operations) {
        const section = el("section", { class: "api-operation", "data-testid": "api-operation" },
          el("h3", {}, el("span", { class: `badge method-${method}` }, method.toUpperCase()), " ", el("code", {}, path)),
          el("p", { "data-testid": "api-summary" }, op.summary ?? ""));
        const params = [...(op.parameters ?? [])];
        if (params.length) {
          const body = el("tbody");
          for (const p of params) body.append(el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, p.in), el("td", {}, p.required ? "required" : "optional"), el("td", {}, typeOf(p.schema))));
          section.append(el("table", {}, el("thead", {}, el("tr", {}, ...["Parameter", "In", "", "Type"].map((h) => el("th", { scope: "col" }, h)))), body));
        }
        if (op.requestBody?.content) {
          section.append(el("p", {}, "Body: ", ...Object.entries(op.requestBody.content).map(([type, c]) => el("code", {}, `${type} ${typeOf(c.schema)} `))));
        }
        const responses = Object.entries(op.responses ?? {});
        if (responses.length) section.append(el("p", { class: "muted" }, "Responses: " + responses.map(([code, r]) => `${code} ${r.description ?? ""}`.trim()).join(" · ")));
        root.append(section);
      }
    }
    const schemas = Object.entries(doc.components?.schemas ?? {});
    if (schemas.length) {
      root.append(el("h2", { id: "api-schemas" }, "Schemas"));
      for (const [name, schema] of schemas) {
        const details = el("details", {}, el("summary", {}, name));
        const props = Object.entries(schema.properties ?? {});
        if (props.length) details.append(el("ul", {}, ...props.map(([p, s]) => el("li", {}, el("code", {}, p), `: ${typeOf(s)}`))));
        else if (schema.enum) details.append(el("p", {}, schema.enum.join(", ")));
        root.append(details);
      }
    }
  };

  fetch(root.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then(render)
    .catch((e) => root.replaceChildren(el("p", { class: "errors", role: "alert" }, `The API description could not be read: ${e.message}`)));
})();
