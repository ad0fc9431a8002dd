/**
 * A fleet of workloads for the crash loop (test/e2e/crash-loop.test.ts): Images (some
 * with several replicas), a Stack, a Compose and Projects rolled out blue-green on
 * loopback, all on the local busybox images. It writes their manifests, changes them at
 * random (image swaps, env edits, replicas, deletions and re-adds) and says which
 * containers the manifests ask for.
 */
type Kind = 'Image' | 'Stack' | 'Compose' | 'Project';

interface Member {
  kind: Kind;
  name: string;
  tag: 1 | 2;
  env: number;
  replicas: number;
}

const IMAGE = 'tinyforge-test/busybox';
const QUIET = ['network: none', 'init: true', 'stopTimeout: 1s', 'pullPolicy: Never'];

function head(kind: Kind, m: Member): string[] {
  return ['apiVersion: tinyforge.dev/v1', `kind: ${kind}`, `metadata: {name: ${m.name}}`, 'spec:'];
}

/** Sleeps quietly; the env value V makes an env edit a new spec. */
function imageManifest(m: Member): string {
  return [
    ...head('Image', m),
    `  image: ${IMAGE}:${m.tag}`,
    '  command: [sleep, "3600"]',
    `  env: {V: "${m.env}"}`,
    `  replicas: ${m.replicas}`,
    ...QUIET.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

function stackManifest(m: Member): string {
  const service = `{image: "${IMAGE}:${m.tag}", command: [sleep, "3600"], env: {V: "${m.env}"}, ${QUIET.join(', ')}`;
  return [...head('Stack', m), '  services:', `    db: ${service}}`, `    api: ${service}, dependsOn: [db]}`, ''].join(
    '\n',
  );
}

function composeManifest(m: Member): string {
  return [
    ...head('Compose', m),
    '  compose:',
    '    services:',
    '      app:',
    `        image: "${IMAGE}:${m.tag}"`,
    '        command: [sleep, "3600"]',
    `        environment: {V: "${m.env}"}`,
    '        network_mode: none',
    '        init: true',
    '        stop_grace_period: 1s',
    '',
  ].join('\n');
}

/** Serves a page with busybox httpd on 127.0.0.1:$PORT (the slot's own port), healthy once it answers. */
function projectManifest(m: Member): string {
  const serve = 'mkdir -p /tmp/www && echo ok > /tmp/www/index.html && exec httpd -f -p 127.0.0.1:$PORT -h /tmp/www';
  return [
    ...head('Project', m),
    `  image: ${IMAGE}`,
    '  network: host',
    '  init: true',
    '  pullPolicy: Never',
    '  stopTimeout: 1s',
    `  command: [sh, -c, "${serve}"]`,
    `  env: {V: "${m.env}"}`,
    '  healthcheck: {command: [sh, -c, "wget -q -O /dev/null http://127.0.0.1:$PORT/"], interval: 1s, retries: 1}',
    '  rollout: {healthTimeout: 60s}',
    '  stages:',
    `    - {name: production, tag: "${m.tag}"}`,
    '',
  ].join('\n');
}

const MANIFEST: Record<Kind, (m: Member) => string> = {
  Image: imageManifest,
  Stack: stackManifest,
  Compose: composeManifest,
  Project: projectManifest,
};

/** The roles and replica count of each container a member asks for. */
const ROLES: Record<Kind, (m: Member) => [string, number][]> = {
  Image: (m) => [['image', m.replicas]],
  Stack: () => [
    ['db', 1],
    ['api', 1],
  ],
  Compose: () => [['app', 1]],
  Project: () => [['production', 1]],
};

export class CrashFleet {
  readonly #present = new Map<string, Member>();
  readonly #deleted = new Map<string, Member>();

  /** 16 Images (the first five with 2 or 3 replicas), a Stack, a Compose and two Projects. */
  constructor(private readonly random: () => number) {
    const add = (kind: Kind, name: string, replicas = 1) =>
      this.#present.set(name, { kind, name, tag: 1, env: 0, replicas });
    for (let i = 1; i <= 16; i++) add('Image', `w${i}`, i <= 5 ? 2 + (i % 2) : 1);
    add('Stack', 'stk');
    add('Compose', 'cmp');
    add('Project', 'shop-a');
    add('Project', 'shop-b');
  }

  /** Every manifest file now present, by file name. */
  files(): Record<string, string> {
    return Object.fromEntries([...this.#present.values()].map((m) => [`${m.name}.yaml`, MANIFEST[m.kind](m)]));
  }

  /**
   * Changes one workload at random and says which file to write (`text`) or remove
   * (`text` undefined), with what changed.
   */
  mutate(): { file: string; text: string | undefined; change: string } {
    const pick = this.random();
    if (pick < 0.1 && this.#deleted.size > 0) return this.#readd();
    const m = this.#pickPresent();
    if (pick < 0.2 && this.#present.size > 15) {
      this.#present.delete(m.name);
      this.#deleted.set(m.name, m);
      return { file: `${m.name}.yaml`, text: undefined, change: `delete ${m.name}` };
    }
    let change: string;
    if (pick < 0.55) {
      m.tag = m.tag === 1 ? 2 : 1;
      change = `${m.name} image :${m.tag}`;
    } else if (pick < 0.8 || m.kind !== 'Image') {
      m.env++;
      change = `${m.name} env V=${m.env}`;
    } else {
      m.replicas = 1 + Math.floor(this.random() * 3);
      change = `${m.name} replicas ${m.replicas}`;
    }
    return { file: `${m.name}.yaml`, text: MANIFEST[m.kind](m), change };
  }

  /** `<workload id> <role>#<replica> <image>` of every container the manifests ask for, sorted. */
  expected(): string[] {
    const rows: string[] = [];
    for (const m of this.#present.values())
      for (const [role, count] of ROLES[m.kind](m))
        for (let r = 1; r <= count; r++) rows.push(`${m.kind.toLowerCase()}/${m.name} ${role}#${r} ${IMAGE}:${m.tag}`);
    return rows.sort();
  }

  /** The ids of the workloads the manifests hold, sorted. */
  ids(): string[] {
    return [...this.#present.values()].map((m) => `${m.kind.toLowerCase()}/${m.name}`).sort();
  }

  #pickPresent(): Member {
    const all = [...this.#present.values()];
    return all[Math.floor(this.random() * all.length)]!;
  }

  #readd(): { file: string; text: string; change: string } {
    const all = [...this.#deleted.values()];
    const m = all[Math.floor(this.random() * all.length)]!;
    this.#deleted.delete(m.name);
    this.#present.set(m.name, m);
    return { file: `${m.name}.yaml`, text: MANIFEST[m.kind](m), change: `re-add ${m.name}` };
  }
}
