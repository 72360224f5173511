import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { CreateTokenForm } from "@/components/api-tokens/create-token-form";
import { TokenList } from "@/components/api-tokens/token-list";
import { LinkButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { API_SCOPE_DESCRIPTIONS, API_SCOPES, API_TOKEN_DEFAULT_EXPIRY_DAYS, API_TOKEN_EXPIRY_DAYS, listApiTokens } from "@/lib/api-tokens";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { createApiTokenAction, revokeApiTokenAction } from "./actions";

export const metadata: Metadata = { title: "API tokens" };

const linkClass = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";
const SCOPE_OPTIONS = API_SCOPES.map((scope) => ({ scope, description: API_SCOPE_DESCRIPTIONS[scope] }));

// The address scripts reach this console at: the configured public URL, else the one this request came to.
async function consoleOrigin(): Promise<string> {
  if (env.NEXTAUTH_URL) return new URL(env.NEXTAUTH_URL).origin;
  const request = await headers();
  const host = request.get("x-forwarded-host") ?? request.get("host") ?? `localhost:${env.PORT}`;
  return `${request.get("x-forwarded-proto") ?? "http"}://${host}`;
}

export default async function ApiTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const creating = user.canManage && (await searchParams).create === "1";
  const tokens = await listApiTokens(user.account.id);
  const now = new Date();
  const createLink = <LinkButton href="/settings/api-tokens?create=1">Create token</LinkButton>;

  return (
    <>
      <PageHeader
        title="API tokens"
        description={<>Tokens let your scripts and integrations use the REST API of {user.account.name}. Each is limited to the scopes chosen when it was created.</>}
        actions={user.canManage && !creating && tokens.length > 0 ? createLink : undefined}
      />
      {!user.canManage && (
        <p data-testid="read-only-notice" className="mb-6 rounded-lg border border-slate-300 bg-white px-5 py-3 text-sm dark:border-slate-700 dark:bg-slate-900">
          You have read-only access. Owners and admins can create and revoke tokens.
        </p>
      )}
      {creating && (
        <Card
          title="Create an API token"
          description="The token is shown once, right after it is created; only a hash of it is stored."
          className="mb-6"
          actions={<Link href="/settings/api-tokens" className={`text-sm ${linkClass}`}>Close</Link>}
        >
          <CreateTokenForm
            scopes={SCOPE_OPTIONS}
            expiryDays={API_TOKEN_EXPIRY_DAYS}
            defaultExpiryDays={API_TOKEN_DEFAULT_EXPIRY_DAYS}
            consoleOrigin={await consoleOrigin()}
            action={createApiTokenAction}
          />
        </Card>
      )}
      {tokens.length > 0 ? (
        <TokenList tokens={tokens} now={now} revoke={user.canManage ? revokeApiTokenAction : undefined} />
      ) : (
        <EmptyState title="No API tokens yet" action={user.canManage && !creating ? createLink : undefined}>
          <p>
            An API token lets a script or another system (your MDM, a SIEM, a deployment pipeline) list and change devices, manage the webhook
            and read the event logs of this account over HTTPS, without a person signing in. It is sent as{" "}
            <code className="whitespace-nowrap font-mono text-xs">Authorization: Bearer &lt;token&gt;</code>.
          </p>
          <p className="mt-2">
            See the <Link href="/docs/api" className={linkClass}>API reference</Link> for every request.
            {!user.canManage && " Owners and admins can create tokens."}
          </p>
        </EmptyState>
      )}
      <section aria-labelledby="token-rules-heading" className="mt-8 rounded-lg border border-slate-200 bg-white px-5 py-4 text-sm dark:border-slate-800 dark:bg-slate-900">
        <h2 id="token-rules-heading" className="font-semibold">How tokens work</h2>
        <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-600 dark:text-slate-400">
          <li>A token acts for this account only, within its scopes; it cannot sign in to the console.</li>
          <li>Only a hash is stored: a lost token cannot be shown again. Revoke it and create another.</li>
          <li>Revoking takes effect at once. Expired and revoked tokens stay listed, so you can see what existed.</li>
          <li>&ldquo;Last used&rdquo; is updated at most once a minute.</li>
          <li>
            Creating and revoking are recorded in <Link href="/event-log/admin" className={linkClass}>Event Log › Admin</Link>; the{" "}
            <Link href="/docs/api" className={linkClass}>API reference</Link> lists every request and the scope it needs.
          </li>
        </ul>
      </section>
    </>
  );
}
