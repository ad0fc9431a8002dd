import type { Kind } from './kinds.js';

/** Fields shared by every container (Image, Stack services, Project, Static). */
export interface ContainerFields {
  image?: string;
  pullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  envFiles?: string[];
  ports?: PortMapping[];
  volumes?: VolumeMount[];
  network?: string;
  restart?: 'unless-stopped' | 'always' | 'on-failure' | 'no';
  healthcheck?: Healthcheck;
  resources?: { memory?: string; cpus?: number };
  user?: string;
  workingDir?: string;
  init?: boolean;
  stopTimeout?: string;
  labels?: Record<string, string>;
  domain?: string;
  /** Swarm only: where Swarm may place the service's tasks. */
  placement?: Placement;
  privileged?: boolean;
  capAdd?: string[];
  devices?: string[];
  pid?: 'host';
  ipc?: 'host';
  uts?: 'host';
  userns?: 'host';
}

export interface PortMapping {
  container: number;
  host?: number;
  hostIP?: string;
  protocol?: 'tcp' | 'udp';
  /** Swarm only: `host` (default) or Swarm's routing mesh. */
  publishMode?: 'host' | 'ingress';
}

/** Swarm's placement of a service's tasks, in Swarm's own syntax (`node.labels.disk==ssd`). */
export interface Placement {
  constraints?: string[];
  maxReplicasPerNode?: number;
  preferences?: { spread: string }[];
}

export type VolumeMount =
  | { name: string; target: string; readOnly?: boolean }
  | { hostPath: string; target: string; readOnly?: boolean };

export interface Healthcheck {
  command: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  startPeriod?: string;
}

export interface Metadata {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ImageSpec extends ContainerFields {
  image: string;
  replicas?: number;
  update?: { strategy?: 'recreate' | 'start-first' };
}

export interface StackService extends ContainerFields {
  image: string;
  replicas?: number;
  dependsOn?: string[];
}

export interface StackSpec {
  services: Record<string, StackService>;
}

export interface ProjectStage {
  name: string;
  tag: string;
  replicas?: number;
  env?: Record<string, string>;
  domain?: string;
}

export interface ProjectSpec extends ContainerFields {
  image: string;
  /** Where the app listens; absent on network host, where each slot gets $PORT. */
  port?: number;
  stages: ProjectStage[];
  strategy?: 'blue-green' | 'recreate';
  rollout?: { healthTimeout?: string; minReadySeconds?: number };
}

/** The Compose subset tinyforge runs; see schemas/compose-file.schema.json. */
export interface ComposeApp {
  name?: string;
  services: Record<string, Record<string, unknown>>;
  volumes?: Record<string, unknown>;
}

export interface ComposeSpec {
  file?: string;
  compose?: ComposeApp;
}

export interface StaticSpec extends ContainerFields {
  path: string;
  root?: string;
  port?: number;
}

interface ManifestBase<K extends Kind, S> {
  apiVersion: 'tinyforge.dev/v1';
  kind: K;
  metadata: Metadata;
  spec: S;
}

export type ImageManifest = ManifestBase<'Image', ImageSpec>;
export type StackManifest = ManifestBase<'Stack', StackSpec>;
export type ProjectManifest = ManifestBase<'Project', ProjectSpec>;
export type ComposeManifest = ManifestBase<'Compose', ComposeSpec>;
export type StaticManifest = ManifestBase<'Static', StaticSpec>;

export type Manifest = ImageManifest | StackManifest | ProjectManifest | ComposeManifest | StaticManifest;
