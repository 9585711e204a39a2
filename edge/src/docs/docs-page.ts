// The /docs page: plain HTML + inline script that reads /openapi.json, lists every operation with its
// parameters, body schema and responses, and sends "try it" requests with the reader's key. No CDN.

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#111;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
main{max-width:980px;margin:0 auto;padding:16px 24px}
.auth{display:flex;gap:8px;align-items:center;margin:12px 0}.auth input{flex:1;padding:6px;font-family:monospace}
details.op{background:#fff;border:1px solid #ddd;border-radius:6px;margin:10px 0}
details.op>summary{padding:10px 12px;cursor:pointer;font-family:monospace;font-size:14px}
.m{display:inline-block;min-width:64px;font-weight:700}.GET{color:#0a7}.POST{color:#06c}.PATCH{color:#a60}.DELETE{color:#c22}
.body{padding:0 12px 12px}pre{background:#f3f3f3;padding:8px;overflow:auto;max-height:320px;font-size:12px}
textarea{width:100%;min-height:120px;font-family:monospace;font-size:12px}
button{padding:6px 14px;cursor:pointer}img.result{max-width:256px;image-rendering:pixelated;border:1px solid #ccc}
.muted{color:#666;font-size:13px}
`;

// Inline script: no template literals inside, so this file can hold it in one.
const SCRIPT = `
var spec = null;
var $ = function (tag, attrs, kids) {
  var el = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { if (k === "text") el.textContent = attrs[k]; else el.setAttribute(k, attrs[k]); });
  (kids || []).forEach(function (kid) { if (kid) el.appendChild(kid); });
  return el;
};
function resolve(schema) {
  var seen = 0;
  while (schema && schema.$ref && seen++ < 20) schema = spec.components.schemas[schema.$ref.split("/").pop()];
  return schema || {};
}
function example(schema, depth) {
  schema = resolve(schema);
  if (depth > 4) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.type === "object" || schema.properties) {
    var out = {};
    (schema.required || Object.keys(schema.properties || {}).slice(0, 3)).forEach(function (k) {
      out[k] = example((schema.properties || {})[k] || {}, depth + 1);
    });
    return out;
  }
  if (schema.type === "array") return [example(schema.items || {}, depth + 1)];
  if (schema.type === "integer" || schema.type === "number") return schema.minimum || 1;
  if (schema.type === "boolean") return false;
  if (schema.anyOf || schema.oneOf) return example((schema.anyOf || schema.oneOf)[0], depth + 1);
  return "string";
}
function send(method, path, pathParams, bodyText, out) {
  var url = path.replace(/\\{(\\w+)\\}/g, function (_, name) { return encodeURIComponent(pathParams[name].value); });
  var headers = { "content-type": "application/json" };
  var token = document.getElementById("token").value.trim();
  if (token) headers.authorization = "Bearer " + token;
  out.textContent = "…";
  fetch(url, { method: method, headers: headers, body: method === "GET" || method === "DELETE" ? undefined : bodyText })
    .then(function (res) {
      var head = res.status + " " + res.statusText + "\\n";
      res.headers.forEach(function (v, k) { if (/^(x-request-id|ratelimit|ratelimit-policy|retry-after|content-type)$/.test(k)) head += k + ": " + v + "\\n"; });
      return res.text().then(function (text) {
        var shown = text;
        var img = null;
        try {
          var json = JSON.parse(text);
          if (json.image && json.image.b64_json) {
            img = $("img", { class: "result", src: "data:" + json.image.mime_type + ";base64," + json.image.b64_json });
            json.image.b64_json = "(" + json.image.b64_json.length + " base64 characters)";
          }
          shown = JSON.stringify(json, null, 2);
        } catch (e) {}
        out.textContent = head + "\\n" + shown;
        if (img) out.parentNode.insertBefore(img, out);
      });
    })
    .catch(function (err) { out.textContent = "request failed: " + err; });
}
function operation(path, method, op) {
  var params = {};
  var body = $("div", { class: "body" }, [$("p", { text: op.description || op.summary || "" })]);
  (op.parameters || []).forEach(function (p) {
    var input = $("input", { placeholder: p.name });
    params[p.name] = input;
    body.appendChild($("label", { text: p.name + " (" + p.in + ") " }, [input]));
  });
  var textarea = null;
  var content = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  if (content) {
    body.appendChild($("div", { class: "muted", text: "Request body (" + (resolve(content.schema).title || (content.schema.$ref || "").split("/").pop() || "JSON") + ")" }));
    textarea = $("textarea", {});
    textarea.value = JSON.stringify(example(content.schema, 0), null, 2);
    body.appendChild(textarea);
  }
  var codes = Object.keys(op.responses || {}).join(", ");
  body.appendChild($("div", { class: "muted", text: "Responses: " + codes }));
  var out = $("pre", { text: "" });
  var button = $("button", { text: "Send" });
  button.onclick = function () { send(method.toUpperCase(), path, params, textarea ? textarea.value : undefined, out); };
  body.appendChild(button);
  body.appendChild(out);
  var summary = $("summary", {}, [$("span", { class: "m " + method.toUpperCase(), text: method.toUpperCase() }), document.createTextNode(path + "  "), $("span", { class: "muted", text: op.summary || "" })]);
  return $("details", { class: "op" }, [summary, body]);
}
fetch("/openapi.json").then(function (r) { return r.json(); }).then(function (doc) {
  spec = doc;
  document.getElementById("title").textContent = (doc.info && doc.info.title) || "API";
  document.getElementById("intro").textContent = (doc.info && doc.info.description) || "";
  var list = document.getElementById("ops");
  Object.keys(doc.paths || {}).forEach(function (path) {
    Object.keys(doc.paths[path]).forEach(function (method) {
      if (["get", "post", "patch", "put", "delete"].indexOf(method) >= 0) list.appendChild(operation(path, method, doc.paths[path][method]));
    });
  });
}).catch(function (err) { document.getElementById("ops").textContent = "could not load /openapi.json: " + err; });
var saved = window.localStorage && localStorage.getItem("tinyscale-token");
if (saved) document.getElementById("token").value = saved;
document.getElementById("token").onchange = function (e) { if (window.localStorage) localStorage.setItem("tinyscale-token", e.target.value); };
`;

export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>tinyscale API reference</title><style>${STYLE}</style></head>
<body><header><h1 id="title">tinyscale API</h1></header><main>
<p id="intro" class="muted"></p>
<div class="auth"><label for="token">API key or admin token</label><input id="token" type="password" placeholder="ts_live_…" autocomplete="off"></div>
<p class="muted">Requests go from this page to this origin with <code>Authorization: Bearer …</code>; the key stays in this browser.</p>
<div id="ops"></div>
<p class="muted">Machine-readable contract: <a href="/openapi.json">/openapi.json</a></p>
</main><script>${SCRIPT}</script></body></html>`;
