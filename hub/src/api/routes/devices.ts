import { Hono } from 'hono';
import { z } from 'zod';
import type { HubDeps } from '../../config/deps.js';
import type { LiveSessions } from '../../ingest/live-sessions.js';
import { behindBody, deviceBody, devicePatch, scopeName } from '../../probes/bodies.js';
import { deviceOr404 } from '../../probes/checks.js';
import { listDevices, listHostsBehind } from '../../probes/devices.js';
import { addDevice, changeDevice, removeDevice, setDeviceBehind } from '../../probes/service.js';
import { listProbeAgents, listProbes } from '../../probes/store.js';
import { deviceView, probeView } from '../../probes/views.js';
import { type AuthEnv, requireRole } from '../middleware/bearer-auth.js';
import { describeRoute } from '../openapi/describe.js';
import { parseJsonBody, parseQuery } from '../validate.js';

const devicesQuery = z.object({ client: scopeName.optional(), site: scopeName.optional() });

/** What each route tells the OpenAPI document (api/openapi/): summary, the schemas it validates with. */
const doc = {
  get: describeRoute({ summary: 'Devices (hosts of kind device) and their probes', query: devicesQuery }),
  post: describeRoute({
    summary: 'Create a device',
    body: deviceBody,
    example: {
      hostname: 'fw-paris',
      client: 'acme',
      site: 'paris',
      role: 'server',
      tags: ['infrastructure'],
    },
    status: 201,
  }),
  getOne: describeRoute({ summary: 'One device with its probes' }),
  patchOne: describeRoute({
    summary: 'Change a device',
    body: devicePatch,
    example: { tags: ['infrastructure'] },
  }),
  putBehind: describeRoute({
    summary: 'Set the hosts behind a device (inhibited while it is down)',
    body: behindBody,
    example: { hosts: [] },
  }),
  deleteOne: describeRoute({ summary: 'Delete a device', status: 204 }),
};

/**
 * /api/v1/devices: equipment that runs no agent (firewall, switch, NAS, printer, internet link,
 * internal web application), probed by its site's agents (see probes.ts). Admins only.
 */
export function deviceRoutes(deps: HubDeps, sessions: LiveSessions) {
  const devices = new Hono<AuthEnv>();
  devices.use(requireRole());

  devices.get('/', doc.get, async (c) => {
    const query = parseQuery(c, devicesQuery);
    const rows = await listDevices(deps.db, query);
    const views = [];
    for (const row of rows) views.push(deviceView(row, await listHostsBehind(deps.db, row.id)));
    return c.json({ devices: views });
  });

  devices.post('/', doc.post, async (c) => {
    const body = await parseJsonBody(c, deviceBody);
    const id = await addDevice(deps, body, c.var.user.userName);
    return c.json(deviceView(await deviceOr404(deps.db, id)), 201);
  });

  devices.get('/:id', doc.getOne, async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    const rows = await listProbes(deps.db, { device: device.id });
    const probeViews = [];
    for (const row of rows)
      probeViews.push(
        probeView(
          row,
          (await listProbeAgents(deps.db, row.id)).map((a) => a.host_id),
        ),
      );
    return c.json({ ...deviceView(device, await listHostsBehind(deps.db, device.id)), probes: probeViews });
  });

  devices.patch('/:id', doc.patchOne, async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    const body = await parseJsonBody(c, devicePatch);
    await changeDevice(deps, device, body, c.var.user.userName);
    return c.json(
      deviceView(await deviceOr404(deps.db, device.id), await listHostsBehind(deps.db, device.id)),
    );
  });

  // The hosts behind a device (its firewall, its switch): while one of its probes says it is down,
  // their own faults (host silent included) are held as inhibited, not ticketed.
  devices.put('/:id/behind', doc.putBehind, async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    const body = await parseJsonBody(c, behindBody);
    await setDeviceBehind(deps, device, body.hosts);
    return c.json(deviceView(device, await listHostsBehind(deps.db, device.id)));
  });

  devices.delete('/:id', doc.deleteOne, async (c) => {
    const device = await deviceOr404(deps.db, c.req.param('id'));
    await removeDevice(deps, sessions, device, c.var.user.userName);
    return c.body(null, 204);
  });

  return devices;
}
