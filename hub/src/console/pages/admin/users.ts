import { Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { USER_ROLES } from '../../../db/tables/users.js';
import { BASE, type ConsoleDeps, type ConsoleEnv } from '../../env.js';
import { createConsoleUser, listUsers, updateUserAccess } from '../../security/accounts.js';
import { csrfField, page } from '../../views/layout.js';

const userForm = z.object({
  name: z.string().trim().min(1).max(256),
  role: z.enum(USER_ROLES),
  password: z.string().max(1024),
});
const accessForm = z.object({ role: z.enum(USER_ROLES).optional(), disabled: z.enum(['0', '1']).optional() });

/** /console/admin/users: people, their roles, their console passwords. */
export function userAdminRoutes(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>();

  const usersPage = async (c: Parameters<typeof csrfField>[0], error?: string) => {
    const t = c.var.t;
    const users = await listUsers(deps.db);
    const roleSelect = (current: string) =>
      html`<select name="role" aria-label="${t('role')}">${USER_ROLES.map((r) => html`<option value="${r}"${r === current ? html` selected` : ''}>${t(`role_${r}`)}</option>`)}</select>`;
    return page(
      c,
      t('usersTitle'),
      html`${error ? html`<p role="alert" class="error">${error}</p>` : ''}
      <table><thead><tr><th scope="col">${t('username')}</th><th scope="col">${t('role')}</th><th scope="col">${t('state')}</th><th scope="col"></th></tr></thead>
      <tbody>${users.map(
        (u) => html`<tr><td>${u.name}</td>
          <td><form method="post" action="${BASE}/admin/users/${encodeURIComponent(u.id)}">${csrfField(c)}${roleSelect(u.role)} <button type="submit">${t('save')}</button></form></td>
          <td>${u.disabled_at === null ? t('active') : t('disabled')}</td>
          <td><form method="post" action="${BASE}/admin/users/${encodeURIComponent(u.id)}">${csrfField(c)}
            <input type="hidden" name="disabled" value="${u.disabled_at === null ? '1' : '0'}" />
            <button type="submit">${u.disabled_at === null ? t('disable') : t('enable')}</button></form></td></tr>`,
      )}</tbody></table>
      <h2>${t('createUser')}</h2>
      <form method="post" action="${BASE}/admin/users/new" class="filters">
        ${csrfField(c)}
        <label>${t('username')} <input name="name" required maxlength="256" autocomplete="off" /></label>
        <label>${t('role')} ${roleSelect('n1')}</label>
        <label>${t('password')} <input name="password" type="password" required minlength="10" maxlength="256" autocomplete="new-password" /></label>
        <button type="submit">${t('createUser')}</button>
      </form>`,
    );
  };

  app.get('/users', async (c) => c.html(await usersPage(c)));

  app.post('/users/new', async (c) => {
    const t = c.var.t;
    const form = userForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.html(await usersPage(c, t('badRequestTitle')), 400);
    const result = await createConsoleUser(deps, form.data);
    if (!result.ok) {
      const message =
        result.code === 'USER_EXISTS'
          ? t('userExists')
          : result.code === 'PASSWORD_TOO_LONG'
            ? t('passwordTooLong')
            : t('passwordTooShort');
      return c.html(await usersPage(c, message), 400);
    }
    deps.log.info(
      { user: form.data.name, role: form.data.role, by: c.var.user?.name },
      'console user created',
    );
    return c.redirect(`${BASE}/admin/users`, 303);
  });

  app.post('/users/:id', async (c) => {
    const form = accessForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.html(await usersPage(c, c.var.t('badRequestTitle')), 400);
    const disabled = form.data.disabled;
    await updateUserAccess(deps.db, c.req.param('id'), {
      ...(form.data.role ? { role: form.data.role } : {}),
      ...(disabled === undefined ? {} : { disabledAt: disabled === '1' ? deps.clock() : null }),
    });
    deps.log.info(
      { userId: c.req.param('id'), change: form.data, by: c.var.user?.name },
      'console user changed',
    );
    return c.redirect(`${BASE}/admin/users`, 303);
  });

  return app;
}
