// Display names of the roles. Client-safe.
import type { Role } from "@/lib/auth/roles";

export const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", viewer: "Viewer" };
