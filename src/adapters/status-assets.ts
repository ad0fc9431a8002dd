import crypto from 'node:crypto';

/** Light by default, dark when the system asks; phases coloured by class. */
const CSS = `:root{color-scheme:light dark;--bg:#fff;--fg:#1d2126;--mut:#5b6470;--line:#d8dde3;--head:#f3f5f7;
--ok:#1a7f37;--warn:#b35900;--bad:#c62828;--info:#0b62c4;--idle:#6e7781}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--fg:#e3e7ec;--mut:#9aa4b0;--line:#2c333b;--head:#171c22;
--ok:#4ac26b;--warn:#f0a040;--bad:#ff6b6b;--info:#58a6ff;--idle:#8b949e}}
*{box-sizing:border-box}body{margin:0 auto;max-width:1200px;padding:12px;background:var(--bg);color:var(--fg);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}h1{font-size:1.3em;margin:.2em 0}
h2{font-size:1.1em;margin:1.2em 0 .4em}h3{font-size:1em;margin:0 0 .3em}a{color:var(--info)}
.meta,.src,.none{color:var(--mut);margin:.2em 0}.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.3em 0 .6em}th,td{text-align:left;padding:4px 8px;
border-bottom:1px solid var(--line);vertical-align:top}th{background:var(--head);font-weight:600;white-space:nowrap}
.workload{border:1px solid var(--line);border-left-width:4px;border-radius:6px;padding:8px 10px;margin:10px 0}
.phase{display:inline-block;padding:0 8px;border-radius:10px;font-size:.85em;font-weight:600;color:#fff;background:var(--idle)}
.phase-ready{background:var(--ok)}.phase-degraded{background:var(--warn)}.phase-failed,.phase-invalid{background:var(--bad)}
.phase-progressing,.phase-pending{background:var(--info)}
.workload:has(.phase-degraded){border-left-color:var(--warn)}.workload:has(.phase-failed,.phase-invalid){border-left-color:var(--bad)}
.ok,.state-running,.cond-good{color:var(--ok)}.bad,.ev-warning,.state-missing,.state-stopped{color:var(--bad)}
.cond-bad,.state-restarting{color:var(--warn)}code{font-size:.9em}.stale .meta::after{content:" · live updates paused";color:var(--warn)}
@media (max-width:600px){body{padding:8px;font-size:14px}th,td{padding:3px 5px}}`;

/** Live updates: the server sends the new body after each pass; without JavaScript the page is whole anyway. */
const SCRIPT = `(()=>{if(!window.EventSource)return;const t=new URLSearchParams(location.search).get('token');
const s=new EventSource('/events'+(t?'?token='+encodeURIComponent(t):''));const b=document.body;
s.addEventListener('page',(e)=>{document.getElementById('live').innerHTML=e.data;b.classList.remove('stale');});
s.onerror=()=>b.classList.add('stale');})();`;

/** Only this script runs (by its hash), whatever a manifest managed to put in the page. */
const SCRIPT_HASH = crypto.createHash('sha256').update(SCRIPT).digest('base64');

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  // The page may be opened with ?token=: links out must not carry it.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** The whole page around the live part (already escaped HTML). */
export function pageShell(title: string, live: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>${CSS}</style></head><body><h1>${title}</h1><div id="live">${live}</div>
<script>${SCRIPT}</script></body></html>`;
}
