import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notificationRequest } from '../../src/adapters/notification-body.js';
import type { Notification } from '../../src/api/notification.js';

const DEGRADED: Notification = {
  controller: 'edge',
  workload: 'image/web',
  phase: 'Degraded',
  previousPhase: 'Ready',
  reason: 'CrashLoop',
  message: 'restart budget used up (5 restarts in 5 minutes); 0/1 running — «ünïcode»',
  revision: '0123456789abcdef0123',
  at: '2026-01-02T03:04:05.000Z',
};
const RECOVERED: Notification = {
  ...DEGRADED,
  phase: 'Ready',
  previousPhase: 'Degraded',
  reason: 'AllReplicasRunning',
};
const DOCKER_DOWN: Notification = {
  ...DEGRADED,
  workload: null,
  phase: null,
  previousPhase: null,
  reason: 'DockerUnreachable',
  message: 'Docker is unreachable: connect ECONNREFUSED',
  revision: null,
};

describe('the body of a notification', () => {
  it('json: exactly the DESIGN fields, in order', () => {
    const { body, headers } = notificationRequest(DEGRADED, 'json');
    expect(Object.keys(JSON.parse(body))).toEqual([
      'controller',
      'workload',
      'phase',
      'previousPhase',
      'reason',
      'message',
      'revision',
      'at',
    ]);
    expect(JSON.parse(body)).toEqual(DEGRADED);
    expect(headers['Content-Type']).toBe('application/json');
    expect(headers).not.toHaveProperty('X-Tinyforge-Signature');
    expect(JSON.parse(notificationRequest(DOCKER_DOWN, 'json').body)).toMatchObject({ workload: null, phase: null });
  });

  it('slack: {"text"}, discord: {"content"} of at most 2000 characters', () => {
    const slack = JSON.parse(notificationRequest(DEGRADED, 'slack').body);
    expect(Object.keys(slack)).toEqual(['text']);
    expect(slack.text).toBe(
      'tinyforge edge: image/web is Degraded (was Ready)\nCrashLoop: restart budget used up (5 restarts in 5 minutes); 0/1 running — «ünïcode» (revision 0123456789ab)',
    );
    const discord = JSON.parse(notificationRequest({ ...DEGRADED, message: 'x'.repeat(5000) }, 'discord').body);
    expect(Object.keys(discord)).toEqual(['content']);
    expect(discord.content).toHaveLength(2000);
    expect(JSON.parse(notificationRequest(DOCKER_DOWN, 'discord').body).content).toBe(
      'tinyforge edge: Docker is unreachable\nDockerUnreachable: Docker is unreachable: connect ECONNREFUSED',
    );
  });

  it('ntfy: the message as plain text, with Title, Priority and Tags headers in ASCII', () => {
    const bad = notificationRequest(DEGRADED, 'ntfy');
    expect(bad.body).toBe(
      'CrashLoop: restart budget used up (5 restarts in 5 minutes); 0/1 running — «ünïcode» (revision 0123456789ab)',
    );
    expect(bad.headers).toMatchObject({
      'Content-Type': 'text/plain; charset=utf-8',
      Title: 'tinyforge edge: image/web is Degraded (was Ready)',
      Priority: 'high',
      Tags: 'warning',
    });
    expect(notificationRequest(RECOVERED, 'ntfy').headers).toMatchObject({
      Title: 'tinyforge edge: image/web is Ready (was Degraded)',
      Priority: 'default',
      Tags: 'white_check_mark',
    });
    expect(notificationRequest(DOCKER_DOWN, 'ntfy').headers).toMatchObject({
      Priority: 'high',
      Tags: 'rotating_light',
    });
    const up = notificationRequest({ ...DOCKER_DOWN, reason: 'DockerReachable', message: 'again' }, 'ntfy').headers;
    expect(up).toMatchObject({ Title: 'tinyforge edge: Docker is reachable again', Priority: 'default' });
    for (const value of Object.values(bad.headers)) expect(value).toMatch(/^[\x20-\x7e]*$/);
  });

  it.each(['json', 'slack', 'discord', 'ntfy'] as const)(
    '%s: with a secret, X-Tinyforge-Signature is the HMAC-SHA256 of the exact body bytes',
    (format) => {
      const secret = 'söme-secret';
      const { body, headers } = notificationRequest(DEGRADED, format, secret);
      const expected = crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(body, 'utf8'));
      expect(headers['X-Tinyforge-Signature']).toBe(`sha256=${expected.digest('hex')}`);
      const other = crypto.createHmac('sha256', 'another').update(body).digest('hex');
      expect(headers['X-Tinyforge-Signature']).not.toBe(`sha256=${other}`);
    },
  );
});
