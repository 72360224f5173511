// The account's API tokens, newest first: what each may do, who created it, when it expires, when it
// was last used and whether it still works. Server-rendered; only Revoke is interactive.
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import type { TokenFormAction } from "./form-states";
import { RevokeTokenForm } from "./revoke-token-form";
import { TOKEN_STATE_LABELS, tokenState } from "./token-state";

export type TokenListItem = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

// `revoke` is given to owners and admins only; viewers get the list without controls.
export function TokenList({ tokens, now, revoke }: { tokens: TokenListItem[]; now: Date; revoke?: TokenFormAction }) {
  return (
    <ul aria-label="API tokens" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
      {tokens.map((token) => {
        const state = tokenState(token, now);
        return (
          <li key={token.id} data-testid="token-row" className="flex flex-wrap items-start justify-between gap-x-6 gap-y-3 px-4 py-4">
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span className="break-words font-medium">{token.name}</span>
                <code data-testid="token-prefix" className="font-mono text-sm text-slate-600 dark:text-slate-400">{token.prefix}…</code>
                <span data-testid="token-state"><Badge tone={TOKEN_STATE_LABELS[state].tone}>{TOKEN_STATE_LABELS[state].label}</Badge></span>
              </p>
              <ul aria-label={`Scopes of ${token.name}`} data-testid="token-scopes" className="mt-2 flex flex-wrap gap-1.5">
                {token.scopes.map((scope) => (
                  <li key={scope}>
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">{scope}</code>
                  </li>
                ))}
              </ul>
              <dl className="mt-3 grid grid-cols-[repeat(auto-fill,minmax(12rem,1fr))] gap-x-6 gap-y-2 text-sm">
                <Detail term="Created">
                  <Time date={token.createdAt} />
                  <span className="block [overflow-wrap:anywhere]">by {token.createdBy}</span>
                </Detail>
                <Detail term={state === "expired" ? "Expired" : "Expires"}>{token.expiresAt ? <Time date={token.expiresAt} /> : "Never"}</Detail>
                <Detail term="Last used">{token.lastUsedAt ? <Time date={token.lastUsedAt} relative /> : "Never"}</Detail>
                {token.revokedAt && <Detail term="Revoked"><Time date={token.revokedAt} /></Detail>}
              </dl>
            </div>
            {revoke && <RevokeTokenForm token={{ id: token.id, name: token.name, prefix: token.prefix }} revocable={state === "active"} action={revoke} />}
          </li>
        );
      })}
    </ul>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{term}</dt>
      <dd data-testid={`token-${term.toLowerCase().replace(" ", "-")}`}>{children}</dd>
    </div>
  );
}
