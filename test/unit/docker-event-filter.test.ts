import { describe, expect, it } from 'vitest';
import { dockerEventFilters, readDockerEvent } from '../../src/adapters/docker-event-filter.js';
import { Label } from '../../src/api/labels.js';

function line(attributes: Record<string, string>, action = 'die', time = 1_700_000_000): string {
  return JSON.stringify({ Type: 'container', Action: action, time, Actor: { ID: 'c1', Attributes: attributes } });
}

const ours = { [Label.managed]: 'true', [Label.controller]: 'edge', [Label.workloadId]: 'image/web' };

describe('the Docker event stream filter', () => {
  it('asks for managed containers of this controller only, both labels required', () => {
    const filters = dockerEventFilters('edge');
    expect(filters.type).toEqual(['container']);
    expect(filters.label).toEqual(['tinyforge.managed=true', 'tinyforge.controller=edge']);
    expect(filters.event).toEqual(expect.arrayContaining(['die', 'stop', 'kill', 'oom', 'destroy', 'start']));
    expect(dockerEventFilters('other').label).toContain('tinyforge.controller=other');
  });

  it('names the workload of an event about one of its containers', () => {
    expect(readDockerEvent(line(ours, 'health_status: unhealthy'), 'edge')).toEqual({
      time: 1_700_000_000,
      workload: { id: 'image/web', action: 'health_status' },
    });
  });

  it("ignores another controller's containers, unmanaged ones and those without a workload id", () => {
    const cases: Record<string, string>[] = [
      { ...ours, [Label.controller]: 'busy' },
      { [Label.managed]: 'true', [Label.workloadId]: 'image/web' },
      { ...ours, [Label.managed]: 'false' },
      { [Label.managed]: 'true', [Label.controller]: 'edge' },
      { ...ours, [Label.workloadId]: '' },
    ];
    for (const attributes of cases) {
      const news = readDockerEvent(line(attributes), 'edge');
      expect(news?.workload).toBeUndefined();
      // Its time still counts: a reconnect resumes after it.
      expect(news?.time).toBe(1_700_000_000);
    }
  });

  it('ignores lines that are not events', () => {
    expect(readDockerEvent('not json', 'edge')).toBeUndefined();
    expect(readDockerEvent('null', 'edge')).toBeUndefined();
    expect(readDockerEvent('{}', 'edge')).toEqual({ time: undefined, workload: undefined });
  });
});
