import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const base = { REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: 'x'.repeat(32), ADMIN_SECRET: 'y'.repeat(16) };

describe('configuration', () => {
  it('documented defaults apply when only the secrets and Redis are given', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(3000);
    expect(c.rtc).toMatchObject({
      listenIp: '127.0.0.1',
      minPort: 40000,
      maxPort: 49999,
      announcedAddress: undefined,
      heardThresholdDbov: -70,
    });
    expect(c.reconnectGraceMs).toBe(90_000);
    expect(c.mediasoup.numWorkers).toBeGreaterThan(0);
  });
  it('health thresholds default to 5 % loss, 400 ms RTT, 2 s of silence, degraded after 8 s and cleared after 5 s ok, and can be changed', () => {
    expect(loadConfig(base).health).toEqual({
      degradedLossPct: 5,
      degradedRttMs: 400,
      downAfterMs: 2000,
      degradedAfterMs: 8000,
      clearAfterMs: 5000,
    });
    expect(
      loadConfig({
        ...base,
        HEALTH_DEGRADED_RTT_MS: '250',
        HEALTH_DOWN_AFTER_MS: '8000',
        HEALTH_DEGRADED_AFTER_MS: '3000',
        HEALTH_CLEAR_AFTER_MS: '10000',
      }).health,
    ).toMatchObject({ degradedRttMs: 250, downAfterMs: 8000, degradedAfterMs: 3000, clearAfterMs: 10_000 });
    expect(() => loadConfig({ ...base, HEALTH_DOWN_AFTER_MS: '10' })).toThrow(/HEALTH_DOWN_AFTER_MS/);
  });
  it('an announced IP makes mediasoup listen on every interface', () => {
    expect(loadConfig({ ...base, ANNOUNCED_IP: '203.0.113.7' }).rtc).toMatchObject({
      listenIp: '0.0.0.0',
      announcedAddress: '203.0.113.7',
    });
  });
  it('the proxies trusted with the client address are loopback by default, or the listed subnets, or a hop count', () => {
    expect(loadConfig(base).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8,loopback' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'a b' })).toThrow(/TRUST_PROXY/);
  });
  it('a node is named and placed by NODE_ID and NODE_REGION; a name with spaces is refused', () => {
    expect(loadConfig({ ...base, NODE_ID: 'homs-1', NODE_REGION: 'homs' }).node).toEqual({
      id: 'homs-1',
      region: 'homs',
    });
    expect(loadConfig(base).node.region).toBeNull();
    expect(() => loadConfig({ ...base, NODE_ID: 'homs 1' })).toThrow(/NODE_ID/);
  });
  it('a missing or short secret stops the start with every problem listed', () => {
    expect(() => loadConfig({ REDIS_URL: base.REDIS_URL, JWT_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: base.REDIS_URL, JWT_SECRET: 'short' })).toThrow(
      /JWT_SECRET[\s\S]*ADMIN_SECRET/,
    );
  });
  it('an inverted RTC port range is refused', () => {
    expect(() => loadConfig({ ...base, RTC_MIN_PORT: '50000', RTC_MAX_PORT: '40000' })).toThrow(/RTC_MIN_PORT/);
  });
  it('a non-Redis URL is refused', () => {
    expect(() => loadConfig({ ...base, REDIS_URL: 'http://example' })).toThrow(/REDIS_URL/);
  });
});
