"use client";
// The account's users, each with the changes the signed-in user may make to them: change the role,
// remove (after a confirmation). The server checks every rule again; this only hides what cannot work.
import { useActionState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { FormMessage, inputClass } from "@/components/ui/field";
import { Time } from "@/components/ui/time";
import { ROLES, type Role } from "@/lib/auth/roles";
import { initialFormState } from "@/lib/form-state";
import type { UserFormAction } from "./form-states";
import { ROLE_LABELS } from "./role-labels";

export type UserListItem = { id: string; name: string; email: string; role: Role; createdAt: Date };

type Props = {
  users: UserListItem[];
  currentUserId: string;
  actorRole: Role;
  changeRole: UserFormAction;
  remove: UserFormAction;
};

export function UserList({ users, currentUserId, actorRole, changeRole, remove }: Props) {
  // Removal is reported here, above the list: the removed user's row is gone when the answer comes.
  const [removeState, removeAction, removing] = useActionState(remove, initialFormState);
  const roleChoices = (actorRole === "owner" ? ["owner", "admin", "viewer"] : ["admin", "viewer"]) as Role[];
  return (
    <div className="space-y-3">
      <div data-testid="removal-message">
        <FormMessage message={removeState.message} tone={removeState.status === "error" ? "error" : "success"} />
      </div>
      <ul aria-label="Users" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
        {users.map((user) => (
          <UserRow
            key={user.id}
            user={user}
            isSelf={user.id === currentUserId}
            // Only owners change owners; the server refuses the rest too.
            manageable={user.role !== "owner" || actorRole === "owner"}
            roleChoices={roleChoices}
            changeRole={changeRole}
            removeAction={removeAction}
            removing={removing}
          />
        ))}
      </ul>
    </div>
  );
}

function UserRow({ user, isSelf, manageable, roleChoices, changeRole, removeAction, removing }: {
  user: UserListItem;
  isSelf: boolean;
  manageable: boolean;
  roleChoices: Role[];
  changeRole: UserFormAction;
  removeAction: (formData: FormData) => void;
  removing: boolean;
}) {
  const [state, roleAction, changing] = useActionState(changeRole, initialFormState);
  const selectId = `role-${user.id}`;
  return (
    <li data-testid="user-row" className="flex flex-wrap items-start justify-between gap-x-6 gap-y-3 px-4 py-4">
      <div className="min-w-0">
        <p className="font-medium">
          {user.name}
          {isSelf && <span className="ml-2 text-xs font-normal text-slate-600 dark:text-slate-400">(you)</span>}
        </p>
        <p className="break-all text-sm text-slate-600 dark:text-slate-400">{user.email}</p>
        <p className="mt-1.5 flex flex-wrap items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
          <span data-testid="user-role"><Badge tone={user.role === "viewer" ? "neutral" : "indigo"}>{ROLE_LABELS[user.role]}</Badge></span>
          <span>Added <Time date={user.createdAt} /></span>
        </p>
      </div>
      {manageable ? (
        <div className="flex max-w-full flex-col gap-2 sm:items-end">
          <div className="flex flex-wrap items-end gap-2">
            <form action={roleAction} className="flex flex-wrap items-end gap-2">
              <input type="hidden" name="userId" value={user.id} />
              <div>
                <label htmlFor={selectId} className="block text-xs font-medium">
                  Role<span className="sr-only"> of {user.name}</span>
                </label>
                {/* Keyed by the role: after a change the selection starts from the new role. */}
                <select key={user.role} id={selectId} name="role" defaultValue={user.role} className={`mt-1 w-auto ${inputClass}`}>
                  {ROLES.filter((role) => role === user.role || roleChoices.includes(role)).map((role) => (
                    <option key={role} value={role}>{ROLE_LABELS[role]}</option>
                  ))}
                </select>
              </div>
              <Button type="submit" variant="secondary" disabled={changing}>
                {changing ? "Saving…" : "Change role"}<span className="sr-only"> of {user.name}</span>
              </Button>
            </form>
            {!isSelf && (
              <form action={removeAction}>
                <input type="hidden" name="userId" value={user.id} />
                <ConfirmSubmit
                  label={<>Remove<span className="sr-only"> {user.name}</span></>}
                  question={`Remove ${user.name} (${user.email})? They are signed out and can no longer sign in to this account.`}
                  confirmLabel="Yes, remove"
                  pendingLabel="Removing…"
                  pending={removing}
                />
              </form>
            )}
          </div>
          <FormMessage message={state.message} tone={state.status === "error" ? "error" : "success"} />
        </div>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">Only owners can change or remove an owner.</p>
      )}
    </li>
  );
}
