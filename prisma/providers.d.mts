// Types for providers.mjs (the project compiles TypeScript only).
export type Provider = "sqlite" | "postgresql";
export const PROVIDERS: Record<Provider, { schema: string; migrations: string; client: string }>;
export function isPostgresUrl(url: string): boolean;
export function providerOf(url: string): Provider;
