import type { ComposeApp, ContainerFields, StackService } from '../api/manifest-types.js';
import type { FieldPath } from '../manifest/field-path.js';
import { bindSource } from '../api/compose-volumes.js';
import { composeServices } from '../reconcile/compose-services.js';

export interface StackConversion {
  services: Record<string, StackService>;
  /** What a Compose workload honours but a Stack has no field for: named, never dropped silently. */
  losses: FieldPath[];
}

/**
 * A compose application (schema-valid) in a Stack's own fields. The translation is the
 * one a Compose workload runs with (composeServices), so both import modes start the same
 * containers; paths (env_file, bind mounts) stay as written, relative to the new manifest.
 */
export function composeToStack(app: ComposeApp): StackConversion {
  const services: Record<string, StackService> = {};
  for (const service of composeServices(app, '.')) {
    const raw = app.services[service.name]!;
    const fields = tidy(service.fields, raw);
    if (service.healthTest && fields.healthcheck) fields.healthcheck.command = execForm(service.healthTest);
    services[service.name] = {
      ...(fields as StackService),
      ...(service.replicas !== 1 ? { replicas: service.replicas } : {}),
      ...(service.dependsOn.length > 0 ? { dependsOn: service.dependsOn } : {}),
    };
  }
  return { services, losses: stackLosses(app) };
}

/** Fields as written: paths relative to the manifest, no defaults spelled out that the file left out. */
function tidy(fields: ContainerFields, raw: Record<string, unknown>): ContainerFields {
  const out: ContainerFields = { ...fields };
  const envFile = raw['env_file'];
  if (envFile !== undefined) out.envFiles = typeof envFile === 'string' ? [envFile] : (envFile as string[]);
  if (raw['network_mode'] === undefined) delete out.network;
  out.ports = fields.ports?.map(({ protocol, ...port }) => (protocol === 'udp' ? { ...port, protocol } : port));
  out.volumes = fields.volumes?.map((volume, index) => {
    const { readOnly, ...mount } = volume;
    const source = bindSource((raw['volumes'] as unknown[])[index]);
    const written = source === undefined ? mount : { ...mount, hostPath: source.replace(/^\.\/(?=.)/, '') };
    return readOnly ? { ...written, readOnly } : written;
  });
  for (const key of ['ports', 'volumes'] as const) if (out[key] === undefined) delete out[key];
  return out;
}

/** A Docker healthcheck test as the command a Stack runs without a shell. */
function execForm(test: string[]): string[] {
  const [form, ...rest] = test;
  return form === 'CMD-SHELL' ? ['sh', '-c', rest.join(' ')] : rest;
}

/** Keys a Compose workload reads that a Stack cannot say: a start condition, turning the image's healthcheck off, a volume's own name or labels. */
function stackLosses(app: ComposeApp): FieldPath[] {
  const losses: FieldPath[] = [];
  for (const [name, service] of Object.entries(app.services)) {
    const dependsOn = service['depends_on'];
    if (dependsOn !== null && typeof dependsOn === 'object' && !Array.isArray(dependsOn)) {
      for (const [need, when] of Object.entries(dependsOn as Record<string, Record<string, unknown>>)) {
        for (const key of Object.keys(when ?? {}))
          if (!(key === 'condition' && when[key] === 'service_started'))
            losses.push(['services', name, 'depends_on', need, key]);
      }
    }
    const healthcheck = service['healthcheck'] as Record<string, unknown> | undefined;
    if (healthcheck?.['disable'] === true) losses.push(['services', name, 'healthcheck', 'disable']);
  }
  for (const [volume, options] of Object.entries(app.volumes ?? {}))
    for (const key of Object.keys((options as Record<string, unknown> | null) ?? {}))
      losses.push(['volumes', volume, key]);
  return losses;
}
