import type { Metadata } from "next";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { AddUserForm } from "@/components/users/add-user-form";
import { ROLE_LABELS } from "@/components/users/role-labels";
import { UserList } from "@/components/users/user-list";
import { LinkButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_DESCRIPTIONS, ROLES, isRole } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/users";
import { addUserAction, changeUserRoleAction, removeUserAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!user.canManage) forbidden();
  const adding = (await searchParams).add === "1";
  // A stored role outside the list would be a data error; such a user is listed as a viewer.
  const users = (await listUsers(user.account.id)).map((member) => ({ ...member, role: isRole(member.role) ? member.role : ("viewer" as const) }));
  const addableRoles = user.role === "owner" ? ROLES : ROLES.filter((role) => role !== "owner");

  return (
    <>
      <PageHeader
        title="Users"
        description="People who can sign in to this account, and what each may do."
        actions={adding ? undefined : <LinkButton href="/settings/users?add=1">Add user</LinkButton>}
      />
      {adding && (
        <Card
          title="Add a user"
          description="They sign in with their email and a generated first password, shown once after adding."
          className="mb-6"
          actions={<Link href="/settings/users" className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Close</Link>}
        >
          <AddUserForm roles={addableRoles} action={addUserAction} />
        </Card>
      )}
      <UserList users={users} currentUserId={user.id} actorRole={user.role} changeRole={changeUserRoleAction} remove={removeUserAction} />
      <section aria-labelledby="roles-heading" className="mt-8 rounded-lg border border-slate-200 bg-white px-5 py-4 text-sm dark:border-slate-800 dark:bg-slate-900">
        <h2 id="roles-heading" className="font-semibold">Roles and rules</h2>
        <dl className="mt-2 grid gap-x-6 gap-y-1 sm:grid-cols-[auto_1fr]">
          {ROLES.map((role) => (
            <div key={role} className="contents">
              <dt className="font-medium">{ROLE_LABELS[role]}</dt>
              <dd className="text-slate-600 dark:text-slate-400">{ROLE_DESCRIPTIONS[role]}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-3 text-slate-600 dark:text-slate-400">
          Only owners can add, promote, demote or remove owners. The account always keeps at least one owner, and nobody can remove themselves.
          Every change is recorded in <Link href="/event-log/admin" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Event Log › Admin</Link>.
        </p>
      </section>
    </>
  );
}
