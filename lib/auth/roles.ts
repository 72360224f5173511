// Roles within an account. Safe to import from client components.
export const ROLES = ["owner", "admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Full access, including users and billing-level settings",
  admin: "May change settings and devices",
  viewer: "Read-only access",
};

// Owners and admins may change settings; viewers only read.
export function canManageSettings(role: Role): boolean {
  return role === "owner" || role === "admin";
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
