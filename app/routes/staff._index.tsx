import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { requireStaff } from '~/staff/session.server';
import { staffHome } from '~/staff/pages';
import { forbidden } from '~/auth/guards.server';

/** /staff (the header's "Back office"): the first page the member's role allows. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { ability } = await requireStaff(request, context);
  const home = staffHome(ability);
  if (!home) throw forbidden('Your role gives you no back-office page. Ask an administrator to give you a role.');
  return redirect(home);
}
