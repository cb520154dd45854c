import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@concord/shared';
import { AdminApi, inviteFor } from '../support/clients.js';
import { uniqueId } from '../support/env.js';
import { withServer } from '../support/fixtures.js';
import { stateOf } from '../support/sessions.js';

describe('the HTTP API', () => {
  const { server } = withServer();
  let admin: AdminApi;
  beforeAll(() => {
    admin = new AdminApi(server().url);
  });

  it('GET /healthz reports Redis and every mediasoup worker', async () => {
    const res = await fetch(`${server().url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', redis: { status: 'up' }, workers: [{ alive: true }] });
  });

  it('creating a session gives a member link per site plus chair, commander and operator links', async () => {
    const created = await admin.createSession('Plenary', ['Daraa', 'Homs'], uniqueId('s'));
    expect(created.session.sites).toEqual([
      { id: 'daraa', name: 'Daraa' },
      { id: 'homs', name: 'Homs' },
    ]);
    expect(created.invites.map((i) => [i.role, i.siteId])).toEqual([
      ['member', 'daraa'],
      ['member', 'homs'],
      ['chair', null],
      ['commander', null],
      ['operator', null],
    ]);
    expect(created.invites[0]?.url).toMatch(/\/join#token=/);
    const info = await fetch(`${server().url}/api/session`, {
      headers: { authorization: `Bearer ${inviteFor(created, 'member', 'Homs')}` },
    });
    expect(await info.json()).toMatchObject({
      ok: true,
      data: { session: { id: created.session.id }, invite: { siteName: 'Homs', role: 'member' } },
    });
  });

  it('an invite can be issued for a chosen site and role, and only for sites of the session', async () => {
    const created = await admin.createSession('Caucus', ['Latakia'], uniqueId('s'));
    const ok = await admin.call('POST', `/api/admin/sessions/${created.session.id}/invites`, {
      role: 'interpreter',
      siteId: 'latakia',
      displayName: 'Arabic ↔ Russian',
      ttlSeconds: 3600,
    });
    expect(ok.status).toBe(201);
    const wrongSite = await admin.call('POST', `/api/admin/sessions/${created.session.id}/invites`, {
      role: 'member',
      siteId: 'daraa',
      displayName: 'x',
    });
    expect(wrongSite).toMatchObject({ status: 400, json: { ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } } });
  });

  it('the admin API refuses requests without the admin secret', async () => {
    const res = await new AdminApi(server().url, 'wrong-secret-wrong-secret').call('GET', '/api/admin/sessions');
    expect(res).toMatchObject({ status: 401, json: { ok: false, error: { code: ErrorCode.UNAUTHENTICATED } } });
  });

  it('malformed bodies get 400 INVALID_PAYLOAD and change nothing', async () => {
    const id = uniqueId('s');
    for (const body of [
      { title: '', sites: [{ name: 'A' }], id },
      { title: 'x', sites: [], id },
      { title: 'x', sites: [{ name: 'A' }], id, extra: 1 },
      { title: 'x', sites: [{ name: 'A', names: { fr: 'A' } }], id },
      { title: 'x', sites: [{ name: 'A', names: { ar: '' } }], id },
    ]) {
      const res = await admin.call('POST', '/api/admin/sessions', body);
      expect(res).toMatchObject({ status: 400, json: { ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } } });
    }
    const notJson = await fetch(`${server().url}/api/admin/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-secret-0123456789', 'content-type': 'application/json' },
      body: '{"title":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
    const missing = await admin.call('GET', `/api/admin/sessions/${id}`);
    expect(missing).toMatchObject({ status: 404, json: { ok: false, error: { code: ErrorCode.NOT_FOUND } } });
  });

  it('creating a session whose id exists is a conflict, not an overwrite', async () => {
    const id = uniqueId('s');
    await admin.createSession('First', ['Daraa'], id);
    const again = await admin.call('POST', '/api/admin/sessions', { title: 'Second', sites: [{ name: 'Homs' }], id });
    expect(again).toMatchObject({ status: 409, json: { ok: false, error: { code: ErrorCode.ALREADY_EXISTS } } });
    expect((await stateOf(server(), id)).session.title).toBe('First');
  });

  it('a site may be named in each UI language; the session keeps the names and its one name', async () => {
    const id = uniqueId('s');
    const res = await admin.call('POST', '/api/admin/sessions', {
      title: 'Plenary',
      sites: [{ name: 'Daraa', names: { en: 'Daraa', ar: 'درعا', ru: 'Дараа' } }, { name: 'Homs' }],
      id,
    });
    expect(res.status).toBe(201);
    const { sites } = (await stateOf(server(), id)).session;
    expect(sites).toEqual([
      { id: 'daraa', name: 'Daraa', names: { en: 'Daraa', ar: 'درعا', ru: 'Дараа' } },
      { id: 'homs', name: 'Homs' },
    ]);
  });

  it('a joint session starts in floor mode unless its creator turns it off', async () => {
    const on = uniqueId('s');
    expect(
      (await admin.call('POST', '/api/admin/sessions', { title: 'Plenary', sites: [{ name: 'Daraa' }], id: on }))
        .status,
    ).toBe(201);
    expect((await stateOf(server(), on)).proceedings.settings.floorMode).toBe(true);
    const off = uniqueId('s');
    expect(
      (
        await admin.call('POST', '/api/admin/sessions', {
          title: 'Caucus',
          sites: [{ name: 'Daraa' }],
          id: off,
          floorMode: false,
        })
      ).status,
    ).toBe(201);
    expect((await stateOf(server(), off)).proceedings.settings.floorMode).toBe(false);
  });
});
