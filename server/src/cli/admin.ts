import { parseArgs } from 'node:util';
import {
  CreateInviteBodySchema,
  CreateSessionBodySchema,
  type InviteWire,
  type NodesWire,
  type Result,
  type Session,
} from '@concord/shared';
import type { z } from 'zod';
import { parseExport, verifyChain } from '../store/chain.js';
import { ConfigError, loadAdminCliConfig } from '../config.js';
import { siteArg } from './siteArg.js';

// `npm run admin -- <command> [options]`: the admin HTTP API from a terminal.

const USAGE = `usage: npm run admin -- <command> [options]

  create-session --title "Title" --site Daraa --site Homs [--id my-session] [--no-floor-mode]
        creates a session and prints a member link per site plus chair, commander and operator links;
        floor mode is on from the start (only the speaker's microphone opens) unless --no-floor-mode;
        a site may be named in each UI language, English|Arabic|Russian: --site "Daraa|درعا|Дараа"
  invite --session ID --role ROLE [--site SITE_ID] [--name "Display name"] [--ttl SECONDS] [--region REGION]
        issues one more invite link (roles: member chair commander operator interpreter observer);
        with --region, the browser connects to a node of that region when one is up
  list-nodes
        the live nodes: id, region and the address browsers reach them at
  list-sessions
  show-session --session ID
  verify-log --session ID
        reads the session's log as stored in Redis (through the server) and recomputes its hash
        chain: prints OK with the head, or the first entry that does not match and exits 1

environment: CONCORD_URL (default http://localhost:3000), ADMIN_SECRET`;

/**
 * A request body checked here with the server's own schema (the text policy included), so a
 * bad argument is reported with the option it came from before anything is sent.
 */
function body<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'arguments'}: ${i.message}`);
    throw new Error(`invalid arguments:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

async function call<T>(
  cfg: { url: string; adminSecret: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${cfg.url}/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${cfg.adminSecret}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const json = (await res.json()) as Result<T>;
  if (!json.ok) {
    throw new Error(`${json.error.code}: ${json.error.message}`);
  }
  return json.data;
}

function printInvites(session: Session, invites: InviteWire[]): void {
  const out = [`session ${session.id}: ${session.title}`];
  for (const i of invites) {
    const site = session.sites.find((s) => s.id === i.siteId)?.name;
    out.push(`  ${`${i.role}${site ? ` ${site}` : ''}`.padEnd(20)} ${i.url}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      title: { type: 'string' },
      site: { type: 'string', multiple: true },
      'no-floor-mode': { type: 'boolean' },
      id: { type: 'string' },
      session: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      ttl: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const cfg = loadAdminCliConfig();
  switch (command) {
    case 'create-session': {
      const created = await call<{ session: Session; invites: InviteWire[] }>(
        cfg,
        'POST',
        '/sessions',
        body(CreateSessionBodySchema, {
          title: values.title,
          sites: (values.site ?? []).map(siteArg),
          ...(values['no-floor-mode'] === true ? { floorMode: false } : {}),
          ...(values.id ? { id: values.id } : {}),
        }),
      );
      printInvites(created.session, created.invites);
      return;
    }
    case 'invite': {
      const session = await call<{ session: Session }>(cfg, 'GET', `/sessions/${values.session ?? ''}`);
      // --site may be given once here (it is repeatable for create-session).
      if ((values.site?.length ?? 0) > 1) {
        throw new Error('invite: give --site once');
      }
      const invite = await call<InviteWire>(
        cfg,
        'POST',
        `/sessions/${values.session ?? ''}/invites`,
        body(CreateInviteBodySchema, {
          role: values.role,
          siteId: values.site?.[0] ?? null,
          displayName: values.name ?? values.role,
          ...(values.ttl ? { ttlSeconds: Number(values.ttl) } : {}),
          ...(values.region === undefined ? {} : { region: values.region }),
        }),
      );
      printInvites(session.session, [invite]);
      return;
    }
    case 'list-nodes': {
      const res = await fetch(`${cfg.url}/api/nodes`);
      const json = (await res.json()) as Result<NodesWire>;
      if (!json.ok) {
        throw new Error(`${json.error.code}: ${json.error.message}`);
      }
      for (const n of json.data.nodes) {
        process.stdout.write(`${n.id}\t${n.region ?? '-'}\t${n.url}\n`);
      }
      return;
    }
    case 'list-sessions': {
      for (const s of await call<Session[]>(cfg, 'GET', '/sessions')) {
        process.stdout.write(`${s.id}\t${s.status}\t${s.sites.map((x) => x.name).join(', ')}\t${s.title}\n`);
      }
      return;
    }
    case 'verify-log': {
      const id = values.session ?? '';
      const { head } = await call<{ head: { seq: number; hash: string } }>(cfg, 'GET', `/sessions/${id}`);
      const res = await fetch(`${cfg.url}/api/admin/sessions/${id}/log`, {
        headers: { authorization: `Bearer ${cfg.adminSecret}` },
      });
      if (!res.ok) {
        throw new Error(`the server refused the export: HTTP ${res.status}`);
      }
      const verdict = verifyChain(parseExport(await res.text()), head);
      if (verdict.ok) {
        process.stdout.write(`OK: ${verdict.entries} entries; head ${verdict.head.seq} ${verdict.head.hash}\n`);
        return;
      }
      process.stdout.write(`MISMATCH at entry ${verdict.seq}: ${verdict.problem}\n`);
      process.exitCode = 1;
      return;
    }
    case 'show-session': {
      process.stdout.write(`${JSON.stringify(await call(cfg, 'GET', `/sessions/${values.session ?? ''}`), null, 2)}\n`);
      return;
    }
    default:
      throw new Error(`unknown command ${command}\n${USAGE}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? 'configuration: ' : ''}${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
