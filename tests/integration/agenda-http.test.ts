import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@concord/shared';
import { httpAs, nextEntry } from '../support/clients.js';
import { TEST_ADMIN_SECRET } from '../support/env.js';
import { withServer } from '../support/fixtures.js';
import { inviteFor, joinAs, newSession } from '../support/sessions.js';

describe('the agenda over HTTP', () => {
  const { server } = withServer();

  const call = (token: string, method: string, path: string, body?: unknown) =>
    httpAs(server().url, token, method, path, body);

  it('the chair prepares the agenda through the API and every participant sees it live', async () => {
    const created = await newSession(server().url);
    const sid = created.session.id;
    const chairToken = inviteFor(created, 'chair');
    // The chair-role invite holds the chair until someone else is given it.
    const homs = await joinAs(server().url, inviteFor(created, 'member', 'Homs'));
    const live = nextEntry(homs.socket, 'agenda.added');
    const added = await call(chairToken, 'POST', `/api/sessions/${sid}/agenda`, {
      title: 'Return of the displaced',
      description: 'Report from the Homs committee',
      presentingSiteId: 'homs',
      allotmentSec: 1200,
    });
    expect(added.status).toBe(201);
    const update = await live;
    expect(update.actor).toMatchObject({ kind: 'participant', role: 'chair', participantId: null });
    expect(homs.latest().agenda[0]).toMatchObject({
      title: 'Return of the displaced',
      presentingSiteId: 'homs',
      status: 'pending',
    });

    const second = await call(TEST_ADMIN_SECRET, 'POST', `/api/sessions/${sid}/agenda`, {
      title: 'Services',
      allotmentSec: 600,
    });
    expect(second.status).toBe(201);
    const firstId = String(added.json.ok && added.json.data['itemId']);
    const secondId = String(second.json.ok && second.json.data['itemId']);

    expect(
      (await call(chairToken, 'PATCH', `/api/sessions/${sid}/agenda/${firstId}`, { allotmentSec: 900 })).status,
    ).toBe(200);
    expect(
      (await call(chairToken, 'PUT', `/api/sessions/${sid}/agenda/order`, { itemIds: [secondId, firstId] })).status,
    ).toBe(200);
    const read = await call(inviteFor(created, 'member', 'Daraa'), 'GET', `/api/sessions/${sid}/agenda`);
    expect(read.json).toMatchObject({
      ok: true,
      data: {
        agenda: [
          { id: secondId, title: 'Services' },
          { id: firstId, allotmentSec: 900 },
        ],
      },
    });
    expect((await call(chairToken, 'DELETE', `/api/sessions/${sid}/agenda/${secondId}`)).status).toBe(200);
    homs.socket.close();
  });

  it('members cannot change the agenda and invites of another session cannot read it', async () => {
    const created = await newSession(server().url);
    const other = await newSession(server().url, 'Other');
    const sid = created.session.id;
    const member = await call(inviteFor(created, 'member', 'Daraa'), 'POST', `/api/sessions/${sid}/agenda`, {
      title: 'x',
      allotmentSec: 60,
    });
    expect(member).toMatchObject({ status: 403, json: { ok: false, error: { code: ErrorCode.FORBIDDEN } } });
    const stranger = await call(inviteFor(other, 'chair'), 'GET', `/api/sessions/${sid}/agenda`);
    expect(stranger).toMatchObject({ status: 403, json: { ok: false, error: { code: ErrorCode.FORBIDDEN } } });
    const strangerChair = await call(inviteFor(other, 'chair'), 'POST', `/api/sessions/${sid}/agenda`, {
      title: 'x',
      allotmentSec: 60,
    });
    expect(strangerChair.status).toBe(403);
    const anonymous = await fetch(`${server().url}/api/sessions/${sid}/agenda`);
    expect(anonymous.status).toBe(401);
  });

  it('malformed agenda bodies and stale versions are refused with a code', async () => {
    const created = await newSession(server().url);
    const sid = created.session.id;
    const chair = inviteFor(created, 'chair');
    for (const body of [
      { title: '', allotmentSec: 60 },
      { title: 'x', allotmentSec: -1 },
      { title: 'x', allotmentSec: 60, presentingSiteId: 'aleppo' },
      { title: 'x', allotmentSec: 60, extra: 1 },
    ]) {
      const res = await call(chair, 'POST', `/api/sessions/${sid}/agenda`, body);
      expect(res, JSON.stringify(body)).toMatchObject({
        status: 400,
        json: { ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } },
      });
    }
    const stale = await call(chair, 'POST', `/api/sessions/${sid}/agenda`, {
      title: 'x',
      allotmentSec: 60,
      expectedVersion: 99,
    });
    expect(stale).toMatchObject({ status: 409, json: { ok: false, error: { code: ErrorCode.STALE_VERSION } } });
    const missing = await call(chair, 'DELETE', `/api/sessions/${sid}/agenda/item_nope`);
    expect(missing).toMatchObject({ status: 404, json: { ok: false, error: { code: ErrorCode.NOT_FOUND } } });
  });
});
