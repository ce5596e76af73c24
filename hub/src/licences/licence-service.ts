import type { z } from 'zod';
import type { HubDeps } from '../config/deps.js';
import {
  deleteLicence,
  findLicence,
  insertLicence,
  insertLicenceAudit,
  type LicenceAuditRow,
  type LicenceRow,
  updateLicence,
} from '../repositories/licences.js';
import { generateId } from '../security/secrets.js';
import { evaluateLicenceNow } from './evaluate-now.js';
import { licenceColumns, type licenceCreateBody, type licencePatchBody } from './licence-view.js';

// Licence writes for the API and the console alike: each is audited, logged without the key,
// and its expiry is evaluated at once (an admin sees the ticket of a licence that already ends).

async function audit(deps: HubDeps, licenceId: string, actor: string, action: LicenceAuditRow['action']) {
  await insertLicenceAudit(deps.db, {
    id: generateId('aud', deps.random),
    licence_id: licenceId,
    at: deps.clock(),
    actor,
    action,
  });
}

/** Create a licence; returns its row. */
export async function createLicence(
  deps: HubDeps,
  body: z.infer<typeof licenceCreateBody>,
  by: string,
): Promise<LicenceRow | undefined> {
  const now = deps.clock();
  const id = generateId('lic', deps.random);
  await insertLicence(deps.db, {
    id,
    client: null,
    publisher_pattern: null,
    expires_at: null,
    notes: '',
    ...licenceColumns(body),
    product: body.product,
    kind: body.kind,
    name_pattern: body.namePattern,
    seats: body.seats,
    created_at: now,
    updated_at: now,
  });
  await audit(deps, id, by, 'created');
  deps.log.info({ licenceId: id, by, product: body.product }, 'licence created');
  await evaluateLicenceNow(deps.db, deps.incidents, id, deps.clock());
  return findLicence(deps.db, id);
}

/** Change a licence; undefined when there is no such licence. */
export async function changeLicence(
  deps: HubDeps,
  id: string,
  body: z.infer<typeof licencePatchBody>,
  by: string,
): Promise<LicenceRow | undefined> {
  const changed = await updateLicence(deps.db, id, { ...licenceColumns(body), updated_at: deps.clock() });
  const row = changed ? await findLicence(deps.db, id) : undefined;
  if (!row) return undefined;
  await audit(deps, id, by, 'updated');
  // The key never reaches the log, not even when it is the thing that changed.
  const { key, ...logged } = body;
  deps.log.info(
    { licenceId: id, by, changes: { ...logged, ...(key === undefined ? {} : { key: '***' }) } },
    'licence updated',
  );
  await evaluateLicenceNow(deps.db, deps.incidents, id, deps.clock());
  return findLicence(deps.db, id);
}

/** Retire (delete) a licence; false when there was none. Its audit trail stays. */
export async function retireLicence(deps: HubDeps, id: string, by: string): Promise<boolean> {
  if (!(await deleteLicence(deps.db, id))) return false;
  await audit(deps, id, by, 'deleted');
  deps.log.info({ licenceId: id, by }, 'licence deleted');
  return true;
}
