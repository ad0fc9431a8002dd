/** The workload kinds (README: Kinds), as written in manifests. */
export const Kind = {
  Image: 'Image',
  Stack: 'Stack',
  Project: 'Project',
  Compose: 'Compose',
  Static: 'Static',
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const KINDS: readonly Kind[] = Object.values(Kind);

export const API_VERSION = 'tinyforge.dev/v1';

/** A workload's identity: `<kind in lower case>/<name>`, e.g. `image/web`. */
export function workloadId(kind: Kind, name: string): string {
  return `${kind.toLowerCase()}/${name}`;
}

/** Whether NAME, as commands take it (a workload's name `web` or its id `image/web`), names the workload `id`. */
export function namesWorkload(name: string, id: string): boolean {
  return id === name || id.slice(id.indexOf('/') + 1) === name;
}

export function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}
