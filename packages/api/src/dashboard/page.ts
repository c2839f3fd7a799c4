// The dashboard's one HTML page, in two forms: served by `coherence serve` (the script and style
// fetched from /assets), and self-contained for `coherence report --format html` (script, style and
// the figures inline, nothing loaded from the network).

import type { Insight } from '../insight/insight.js';
import type { DashboardAssets } from './assets.js';

/** The selection as the page shows it (days, `until` included). */
export interface ReportSelection {
  repository?: string;
  contributor?: string;
  since?: string;
  until?: string;
}

// The page may run only its own script and draw only its own style and inline SVG; it fetches only
// from its own origin (the served dashboard), or nothing at all (the report).
const SERVED_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'";

/** Where the served page finds its files, relative to it. */
export interface ServedAssetPaths {
  script: string;
  style: string;
  request: string;
}

const UNVERSIONED: ServedAssetPaths = { script: 'assets/dashboard.js', style: 'assets/dashboard.css', request: 'assets/request.js' };

/**
 * The request script comes first and runs as soon as it arrives (async: not after the style sheet, as
 * a deferred script would); the page's script runs once the page is parsed and styled.
 */
export function servedPage(paths: ServedAssetPaths = UNVERSIONED): string {
  return shell({
    title: 'Coherence',
    head: `<meta http-equiv="Content-Security-Policy" content="${SERVED_POLICY}">
<script src="${paths.request}" async></script>
<link rel="stylesheet" href="${paths.style}">`,
    body: `<script src="${paths.script}" defer></script>`,
  });
}

export function reportPage(assets: Pick<DashboardAssets, 'script' | 'style'>, insight: Insight, selection: ReportSelection): string {
  const data = JSON.stringify({ insight, selection });
  return shell({
    title: 'Coherence report',
    head: `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<style>${assets.style}</style>`,
    body: `<script type="application/json" id="coherence-data">${escapeJson(data)}</script>
<script>${escapeScript(assets.script)}</script>`,
  });
}

function shell(parts: { title: string; head: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<link rel="icon" href="data:,">
<title>${parts.title}</title>
${parts.head}
</head>
<body data-state="loading">
<div id="app"><noscript>This page draws its charts and tables with JavaScript; please allow it to run.</noscript></div>
${parts.body}
</body>
</html>
`;
}

/** JSON inside <script> must never close the element early (a commit subject reading "</script>"). */
function escapeJson(json: string): string {
  return json.replace(/</g, '\\u003c');
}

/** The same for the bundled code, where "<\/" means "</" in any string or pattern it could appear in. */
function escapeScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}
