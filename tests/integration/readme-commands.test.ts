import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TEST_ADMIN_SECRET } from '../support/env.js';
import { withServer } from '../support/fixtures.js';
import { repoRoot } from '../support/server.js';

const run = promisify(execFile);

/** The `npm run admin -- …` lines of the README's shell blocks, as a reader would copy them. */
function readmeAdminCommands(): string[] {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((b) => b.split('\n')).filter((line) => line.startsWith('npm run admin -- '));
}

/** Shell words: spaces split, double quotes group (what the README's lines use). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

describe('the README', () => {
  const { server } = withServer();

  it('every admin command it shows works as written, with its placeholders filled in', async () => {
    const commands = readmeAdminCommands();
    expect(commands.length).toBeGreaterThanOrEqual(5);
    const env = { ...process.env, CONCORD_URL: server().url, ADMIN_SECRET: TEST_ADMIN_SECRET };
    let sessionId: string | null = null;
    for (const line of commands) {
      const args = words(line.replace('npm run admin -- ', '').replace(/\s+#.*$/, '')).map((w) =>
        w === '<id>' ? (sessionId ?? '') : w === '<site-id>' ? 'daraa' : w,
      );
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/src/cli/admin.ts', ...args], {
        cwd: repoRoot,
        env,
      }).catch((err: { stderr?: string; message: string }) => {
        throw new Error(`"${line}" failed: ${err.stderr ?? err.message}`);
      });
      sessionId ??= /^session (\S+):/m.exec(stdout)?.[1] ?? null;
      expect(stdout.length, line).toBeGreaterThan(0);
    }
    expect(sessionId).not.toBeNull();
  });
});
