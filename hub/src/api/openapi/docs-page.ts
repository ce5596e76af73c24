import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { OpenApiDocument, Operation } from './document.js';

/** The reference page's style sheet, served by the hub at /api/v1/docs/docs.css (the CSP forbids inline style). */
export const DOCS_CSS = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #fafafa; }
header, main, nav { max-width: 62rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
nav ul { columns: 3; list-style: none; padding: 0; }
section.op { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: .75rem 0; padding: .25rem 1rem; }
section.op h3 { font-size: 1rem; margin: .5rem 0; }
.method { display: inline-block; min-width: 4.5rem; font: bold 13px monospace; text-transform: uppercase; }
.get { color: #0a6b2e; } .post { color: #0550ae; } .put, .patch { color: #7d4e00; } .delete { color: #a40e26; }
code, pre { font: 13px/1.4 ui-monospace, monospace; }
pre { background: #f3f4f6; padding: .5rem; overflow-x: auto; max-height: 24rem; }
table { border-collapse: collapse; margin: .4rem 0; } td, th { border: 1px solid #d0d7de; padding: .2rem .5rem; text-align: left; }
.roles { color: #57606a; }
`;

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function parameters(op: Operation): HtmlEscapedString | Promise<HtmlEscapedString> | string {
  if (!op.parameters?.length) return '';
  return html`<table>
    <tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>
    ${op.parameters.map(
      (p) =>
        html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${JSON.stringify(p.schema)}</code></td></tr>`,
    )}
  </table>`;
}

type Response = { description: string; content?: Record<string, { schema: Record<string, unknown> }> };

/** Status → what it means; a success body's schema when it says more than "an object". */
function responses(op: Operation) {
  return html`<table>
    <tr><th>status</th><th>answer</th></tr>
    ${Object.entries(op.responses as Record<string, Response>).map(([status, r]) => {
      const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
      const detailed = media && Object.keys(media.schema).some((k) => k !== 'type');
      return html`<tr><td>${status}</td><td>${r.description}${type && !media?.schema.$ref ? html` (<code>${type}</code>)` : ''}
        ${detailed && !media.schema.$ref ? html`<details><summary>schema</summary><pre>${pretty(media.schema)}</pre></details>` : ''}</td></tr>`;
    })}
  </table>`;
}

function operation(path: string, method: string, op: Operation) {
  const body = op.requestBody?.content['application/json'];
  return html`<section class="op" id="${op.operationId}">
    <h3><span class="method ${method}">${method}</span> <code>${path}</code> — ${op.summary}</h3>
    ${op.description ? html`<p class="roles">${op.description}</p>` : ''}
    ${parameters(op)}
    ${
      body
        ? html`<details><summary>Request body</summary><pre>${pretty(body.schema)}</pre>
            ${body.example === undefined ? '' : html`<p>Example</p><pre>${pretty(body.example)}</pre>`}</details>`
        : ''
    }
    ${responses(op)}
  </section>`;
}

/** The browsable reference: rendered on the server from the document, no script, works offline. */
export function docsPage(doc: OpenApiDocument, cssHref: string) {
  const byTag = new Map<string, [string, string, Operation][]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags[0] ?? 'api';
      byTag.set(tag, [...(byTag.get(tag) ?? []), [path, method, op]]);
    }
  }
  const tags = [...byTag.keys()].sort();
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${doc.info.title} ${doc.info.version}</title>
<link rel="stylesheet" href="${cssHref}"><link rel="icon" href="/console/static/favicon.svg"></head>
<body>
<header><h1>${doc.info.title} <small>${doc.info.version}</small></h1>
<p>${doc.info.description}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI ${doc.openapi}).
Authentication: <code>Authorization: Bearer &lt;API token&gt;</code>; GET requests also open with the console's session.</p></header>
<nav><h2>Sections</h2><ul>${tags.map((t) => html`<li><a href="#tag-${t}">${t}</a></li>`)}</ul></nav>
<main>
${tags.map(
  (t) => html`<h2 id="tag-${t}">${t}</h2>
  ${(byTag.get(t) ?? []).map(([path, method, op]) => operation(path, method, op))}`,
)}
<h2 id="errors">Errors</h2><pre>${pretty(doc.components.schemas?.Error)}</pre>
</main>
</body></html>`;
}
