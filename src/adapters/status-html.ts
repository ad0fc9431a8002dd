import type { Condition, ForeignEntry, InvalidEntry, StateEvent } from '../api/state-types.js';
import { shortAge } from '../api/units.js';
import type { ContainerView, StatusView, WorkloadView } from './status-view.js';

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(
    /[&<>"'`]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!,
  );
}

/** `42s`, `5m`, `3h`, `2d`: how long ago `iso` was, as kubectl prints ages. */
export function age(iso: string | null, now: number): string {
  const ms = iso === null ? Number.NaN : now - Date.parse(iso);
  return Number.isFinite(ms) ? shortAge(ms) : '-';
}

/** A phase as a badge whose class (`phase-degraded`) gives its colour. */
function phaseBadge(phase: string): string {
  return `<span class="phase phase-${escapeHtml(phase.toLowerCase())}">${escapeHtml(phase)}</span>`;
}

function time(iso: string | null, now: number): string {
  return iso === null ? '-' : `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(iso)}">${age(iso, now)}</time>`;
}

function table(head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="none">${escapeHtml(empty)}</p>`;
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table></div>`;
}

/** The overview: one row per workload, its name linking to its section. */
function overview(workloads: WorkloadView[], now: number): string {
  const rows = workloads.map((w) => [
    `<a href="#${escapeHtml(w.id)}">${escapeHtml(w.name)}</a>`,
    escapeHtml(w.kind),
    phaseBadge(w.phase),
    `${w.replicas.ready}/${w.replicas.desired}`,
    time(w.createdAt, now),
    `<span class="msg">${escapeHtml(w.message)}</span>`,
  ]);
  return `<section><h2>Workloads</h2>${table(['name', 'kind', 'phase', 'ready', 'age', 'message'], rows, 'No workloads.')}</section>`;
}

/** Ready True is good news; Reconciling and Stalled are present only while true, and True there is not. */
function conditionClass(c: Condition): string {
  if (c.status === 'Unknown') return 'cond-unknown';
  return (c.type === 'Ready') === (c.status === 'True') ? 'cond-good' : 'cond-bad';
}

function conditions(list: Condition[], now: number): string {
  const rows = list.map((c) => [
    escapeHtml(c.type),
    `<span class="${conditionClass(c)}">${escapeHtml(c.status)}</span>`,
    escapeHtml(c.reason),
    escapeHtml(c.message),
    time(c.lastTransitionTime, now),
  ]);
  return table(['condition', 'status', 'reason', 'message', 'since'], rows, 'No conditions.');
}

function domainLink(domain: string | null): string {
  if (domain === null) return '';
  return `<a href="http://${escapeHtml(encodeURI(domain))}/" rel="noreferrer">${escapeHtml(domain)}</a>`;
}

function containers(list: ContainerView[]): string {
  const rows = list.map((c) => [
    escapeHtml(c.name),
    `<span class="state state-${escapeHtml(c.state)}">${escapeHtml(c.state)}</span>`,
    escapeHtml(c.health ?? ''),
    escapeHtml(c.ports.join(', ')),
    escapeHtml(c.node ?? ''),
    escapeHtml([c.stage, c.slot].filter((v) => v !== null).join(' ')),
    domainLink(c.domain),
    String(c.restarts),
  ]);
  const head = ['container', 'state', 'health', 'ports', 'node', 'slot', 'domain', 'restarts'];
  return table(head, rows, 'No containers.');
}

function events(list: StateEvent[], now: number): string {
  const rows = list.map((e) => [
    time(e.at, now),
    `<span class="ev-${escapeHtml(e.type.toLowerCase())}">${escapeHtml(e.reason)}</span>`,
    escapeHtml(e.message),
  ]);
  return table(['age', 'reason', 'message'], rows, 'No recent events.');
}

function workloadSection(w: WorkloadView, now: number): string {
  return (
    `<section class="workload" id="${escapeHtml(w.id)}"><h3>${escapeHtml(w.id)} ${phaseBadge(w.phase)}</h3>` +
    `<p class="src">${escapeHtml(w.source)}</p>${conditions(w.conditions, now)}${containers(w.containers)}` +
    `${events(w.events, now)}</section>`
  );
}

function invalid(list: InvalidEntry[]): string {
  const rows = list.map((p) => [
    `<code>${escapeHtml(`${p.file}:${p.line}:${p.column}`)}</code>`,
    escapeHtml(p.message),
  ]);
  return `<section><h2>Invalid manifests</h2>${table(['where', 'problem'], rows, 'None.')}</section>`;
}

function foreign(list: ForeignEntry[]): string {
  const rows = list.map((f) => [escapeHtml(f.name), escapeHtml(f.workloadId ?? ''), escapeHtml(f.reason)]);
  return `<section><h2>Foreign containers</h2>${table(['container', 'claims', 'why foreign'], rows, 'None.')}</section>`;
}

function controllerLine({ controller }: StatusView, now: number): string {
  const docker = controller.docker.reachable
    ? '<span class="ok">reachable</span>'
    : `<span class="bad">unreachable: ${escapeHtml(controller.docker.lastError ?? '')}</span>`;
  const revision = controller.revision === null ? 'none' : escapeHtml(controller.revision.slice(0, 12));
  return (
    `<p class="meta">controller <b>${escapeHtml(controller.name)}</b> · revision <code>${revision}</code>` +
    ` · Docker ${docker} · last pass ${time(controller.lastPassAt, now)} ago</p>`
  );
}

/** The part of the page that live updates replace: everything below the title. */
export function renderLive(view: StatusView, now: number): string {
  return (
    controllerLine(view, now) +
    overview(view.workloads, now) +
    view.workloads.map((w) => workloadSection(w, now)).join('') +
    invalid(view.invalid) +
    foreign(view.foreign) +
    `<section><h2>Controller events</h2>${events(view.events, now)}</section>`
  );
}
