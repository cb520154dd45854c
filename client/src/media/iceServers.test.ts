import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IceServersWire, RequestName } from '@concord/shared';
import type { Send } from '../state/send';
import { IceServerRenewal } from './iceServers';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const servers = (n: number, expiresAt: number): IceServersWire => ({
  iceServers: [{ urls: ['turns:turn.example.org:443?transport=tcp'], username: `u${n}`, credential: `c${n}` }],
  expiresAt,
});

describe('TURN credentials on the client', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('are renewed at three quarters of their life and handed to the transports, again and again', async () => {
    let n = 0;
    const asked: RequestName[] = [];
    const send = ((event: RequestName) => {
      asked.push(event);
      n += 1;
      return Promise.resolve(servers(n + 1, Date.now() + 3_600_000));
    }) as Send;
    const applied: string[] = [];
    const renewal = new IceServerRenewal(send, (list) => {
      applied.push(String(list[0]?.username));
      return Promise.resolve();
    });
    renewal.start(servers(1, T0 + 3_600_000));
    await vi.advanceTimersByTimeAsync(0.75 * 3_600_000 - 1);
    expect(applied).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(applied).toEqual(['u2']);
    await vi.advanceTimersByTimeAsync(0.75 * 3_600_000);
    expect(applied).toEqual(['u2', 'u3']);
    expect(asked).toEqual(['media:iceServers', 'media:iceServers']);
    renewal.close();
    await vi.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(applied).toHaveLength(2);
  });

  it('a failed renewal is tried again shortly; without TURN there is nothing to renew', async () => {
    let calls = 0;
    const send = (() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('link down')) : Promise.resolve(servers(2, Date.now() + 600_000));
    }) as Send;
    const applied: unknown[] = [];
    const renewal = new IceServerRenewal(send, (list) => {
      applied.push(list);
      return Promise.resolve();
    });
    renewal.start(servers(1, T0 + 600_000));
    await vi.advanceTimersByTimeAsync(450_000);
    expect(calls).toBe(1);
    expect(applied).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toBe(2);
    expect(applied).toHaveLength(1);
    renewal.close();

    const none = new IceServerRenewal(send, () => Promise.reject(new Error('never')));
    none.start({ iceServers: [], expiresAt: null });
    await vi.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(calls).toBe(2);
  });
});
