import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { ROLE_DESCRIPTIONS, isRole } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/users";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requireUser();
  if (!user.canManage) forbidden();
  const users = await listUsers(user.account.id);
  return (
    <>
      <PageHeader title="Users" description="People who can sign in to this account, and what each may do." />
      <Table caption="Users">
        <thead className="bg-slate-50 dark:bg-slate-900">
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Added</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {users.map((member) => (
            <tr key={member.id}>
              <Td className="font-medium">
                {member.name}
                {member.id === user.id && <span className="ml-2 text-xs text-slate-600 dark:text-slate-400">(you)</span>}
              </Td>
              <Td>{member.email}</Td>
              <Td>
                <span title={isRole(member.role) ? ROLE_DESCRIPTIONS[member.role] : undefined}>
                  <Badge tone={member.role === "viewer" ? "neutral" : "indigo"}>{member.role}</Badge>
                </span>
              </Td>
              <Td className="text-slate-600 dark:text-slate-400"><Time date={member.createdAt} /></Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
