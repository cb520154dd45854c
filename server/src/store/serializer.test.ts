import { describe, expect, it } from 'vitest';
import { KeyedSerializer } from './serializer.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('changes to one session run one after another', () => {
  it('tasks of the same key never overlap and run in arrival order; other keys run alongside', async () => {
    const s = new KeyedSerializer<string>();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name}:start`);
      await tick();
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([s.run('a', task('a1')), s.run('a', task('a2')), s.run('b', task('b1'))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:start')).toBeLessThan(log.indexOf('a1:end'));
  });
  it('a failing task does not block the next one', async () => {
    const s = new KeyedSerializer<string>();
    const failed = s.run('a', () => Promise.reject(new Error('refused')));
    const next = s.run('a', () => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('ran');
  });
});
