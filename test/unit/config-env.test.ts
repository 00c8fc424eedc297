import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.ts';

describe('service configuration from the environment', () => {
  it('defaults to the embedded mode on port 3004, bound to 127.0.0.1 with auth off', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      mode: 'embedded',
      PORT: 3004,
      SERVICE_NAME: 'kpi-engine-service',
      authEnabled: false,
      host: '127.0.0.1',
      CACHE_TTL_SECONDS: 300,
      QUERY_TIMEOUT_MS: 30000,
      MAX_CONCURRENT_CALCULATIONS: 10,
      SCHEDULER_TIMEZONE: 'UTC',
      ENABLE_SCHEDULER: false,
    });
  });

  it('reads every seed variable and runs federated when TIMESCALE_URL is set', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      SERVICE_NAME: 'svc',
      AUTH0_DOMAIN: 'tenant.auth0.com',
      AUTH0_CLIENT_ID: 'id',
      AUTH0_CLIENT_SECRET: 'secret',
      AUTH0_AUDIENCE: 'https://api.nexpo.app',
      DRUID_URL: 'http://localhost:8082',
      DRUID_DATASOURCE: 'nexpo_metrics',
      TIMESCALE_URL: 'postgresql://u:p@localhost:5432/metrics',
      REDIS_URL: 'redis://localhost:6379',
      PAYMENTS_DB_URL: 'postgresql://u:p@localhost:5432/payments',
      USERS_DB_URL: 'postgresql://u:p@localhost:5432/users',
      ANALYTICS_DB_URL: 'mongodb://localhost:27017/analytics',
      KAFKA_BROKERS: 'localhost:9092,other:9092',
      KAFKA_TOPIC_PREFIX: 'kpi-engine',
      ENABLE_SCHEDULER: 'true',
      SCHEDULER_TIMEZONE: 'Europe/Berlin',
      MAX_CONCURRENT_CALCULATIONS: '4',
      CACHE_TTL_SECONDS: '60',
      QUERY_TIMEOUT_MS: '1000',
    });
    expect(c).toMatchObject({
      mode: 'federated',
      authEnabled: true,
      host: '0.0.0.0',
      PORT: 8080,
      ENABLE_SCHEDULER: true,
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['TIMESCALE_URL', 'mysql://x'],
    ['SCHEDULER_TIMEZONE', 'Mars/Olympus'],
    ['ENABLE_SCHEDULER', 'maybe'],
    ['CACHE_TTL_SECONDS', '0'],
    ['QUERY_TIMEOUT_MS', '-5'],
    ['NODE_ENV', 'staging'],
    ['KAFKA_BROKERS', 'a:1, b:2'],
    ['TIMESCALE_POOL_SIZE', '0'],
    ['ROLLUP_REFRESH_SECONDS', 'often'],
    ['ENABLE_OPTIMIZER', 'perhaps'],
    ['WEBHOOK_HOSTS', 'hooks.example.com, http://evil.com/'],
  ])('names the bad variable %s=%s', (variable, value) => {
    try {
      loadConfig({ [variable]: value });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('needs AUTH0_AUDIENCE when AUTH0_DOMAIN is set', () => {
    expect(() => loadConfig({ AUTH0_DOMAIN: 'tenant.auth0.com' })).toThrow(/AUTH0_AUDIENCE/);
  });

  it('WEBHOOK_HOSTS: parsed into a list, and an ALERT_WEBHOOK_URL outside it is refused at start-up', () => {
    expect(loadConfig({}).webhookHosts).toBeNull();
    expect(loadConfig({ WEBHOOK_HOSTS: ' *.Example.com , 10.0.0.7:8080 ' }).webhookHosts).toEqual([
      '*.example.com',
      '10.0.0.7:8080',
    ]);
    expect(
      loadConfig({ WEBHOOK_HOSTS: '*.example.com', ALERT_WEBHOOK_URL: 'https://ops.example.com/hook' })
        .ALERT_WEBHOOK_URL,
    ).toBe('https://ops.example.com/hook');
    expect(() =>
      loadConfig({ WEBHOOK_HOSTS: '*.example.com', ALERT_WEBHOOK_URL: 'http://169.254.169.254/' }),
    ).toThrow(/ALERT_WEBHOOK_URL: host 169\.254\.169\.254 is not in WEBHOOK_HOSTS/);
  });
});
