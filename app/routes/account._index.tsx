import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Trans, useTranslation } from 'react-i18next';
import { assertAllowed, requireCustomer } from '~/auth/guards.server';
import { maskEmail } from '~/lib/masking';
import { accessKeysOf, ramRolesOf, ramUsersOf } from '~/account/ram.server';
import { titleMeta, type I18nHandle } from '~/i18n/config';
import { pageT } from '~/i18n/i18n.server';

export const handle: I18nHandle = { i18n: ['account'] };
export const meta: MetaFunction<typeof loader> = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account, ability } = await requireCustomer(request, context);
  assertAllowed(ability, 'read', 'Account', { uid: account.uid });
  assertAllowed(ability, 'read', 'RamUser', { accountUid: account.uid });
  const { prisma } = context.services;
  const [ramUsers, ramRoles, accessKeys] = await Promise.all([
    ramUsersOf(prisma, account.uid),
    ramRolesOf(prisma, account.uid),
    accessKeysOf(prisma, account.uid),
  ]);
  const t = await pageT(request, context, 'account');
  return {
    title: t('home.title'),
    uid: account.uid,
    alias: account.alias,
    logonEmail: maskEmail(account.logonEmail),
    ramUsers: ramUsers.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    ramRoles: ramRoles.map((r) => ({ name: r.name, description: r.description })),
    accessKeys: accessKeys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString() })),
  };
}

export default function AccountOverview() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation('account');
  return (
    <>
      <h1>{t('home.heading')}</h1>
      <p className="lead">
        {t('home.uid')} <span className="mono">{d.uid}</span>
        {d.alias ? <> · {t('home.alias', { alias: d.alias })}</> : null} ·{' '}
        {t('home.logonEmail', { email: d.logonEmail })}
      </p>
      <div className="notice" role="note">
        <p>
          <Trans t={t} i18nKey="home.boundToUid" components={{ security: <Link to="/account/security" /> }} />
        </p>
      </div>
      <h2 id="ram-users">{t('home.ramUsers')}</h2>
      <table aria-labelledby="ram-users">
        <thead>
          <tr>
            <th scope="col">{t('home.name')}</th>
            <th scope="col">{t('home.signInName')}</th>
            <th scope="col">{t('home.displayName')}</th>
          </tr>
        </thead>
        <tbody>
          {d.ramUsers.length ? (
            d.ramUsers.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td className="mono">{u.signInName}</td>
                <td>{u.displayName}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                {t('home.noRamUsers')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2 id="ram-roles">{t('home.ramRoles')}</h2>
      <table aria-labelledby="ram-roles">
        <thead>
          <tr>
            <th scope="col">{t('home.role')}</th>
            <th scope="col">{t('home.description')}</th>
          </tr>
        </thead>
        <tbody>
          {d.ramRoles.length ? (
            d.ramRoles.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>{r.description}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={2} className="muted">
                {t('home.noRamRoles')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2 id="access-keys">{t('home.accessKeys')}</h2>
      <table aria-labelledby="access-keys">
        <thead>
          <tr>
            <th scope="col">{t('home.accessKeyId')}</th>
            <th scope="col">{t('home.belongsTo')}</th>
            <th scope="col">{t('home.status')}</th>
          </tr>
        </thead>
        <tbody>
          {d.accessKeys.length ? (
            d.accessKeys.map((k) => (
              <tr key={k.id}>
                <td className="mono">{k.id}</td>
                <td>{k.ramUser ? t('home.ownerRamUser', { name: k.ramUser }) : t('home.ownerAccount')}</td>
                <td>{k.active ? t('home.active') : t('home.disabled')}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                {t('home.noAccessKeys')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
