import { describe, expect, it } from 'vitest';
import { SingleFlight } from './refresher';

/** A promise resolved from outside. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('a single-flight refresher', () => {
  it('never runs twice at once, and runs once more for requests made while it ran', async () => {
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const flight = new SingleFlight(
      async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await gates[runs]?.promise;
        runs += 1;
        running -= 1;
      },
      () => {},
    );
    const first = flight.request();
    // A burst of requests while the first pass runs: one more pass serves them all.
    const second = flight.request();
    void flight.request();
    gates[0]?.resolve();
    gates[1]?.resolve();
    await Promise.all([first, second]);
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it('reports a failed pass, keeps no request back, and runs again on the next request', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const flight = new SingleFlight(
      () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('link dropped')) : Promise.resolve();
      },
      (err) => errors.push(err),
    );
    await flight.request();
    expect(errors).toHaveLength(1);
    await flight.request();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
