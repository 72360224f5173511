// Creates the accounts and users the e2e suite signs in with, each with a generated password.
import { createUserWithAccount, type NewUser } from "@/lib/users";
import { changeDeviceStatus, createDevice } from "@/lib/device-events";
import { db } from "@/lib/db";
import type { E2eFixtures } from "./fixtures";

const USERS = {
  owner: { accountName: "Acme Health", plan: "enterprise", email: "owner@acme.test", name: "Olivia Owner", role: "owner" },
  admin: { accountName: "Acme Health", email: "admin@acme.test", name: "Adam Admin", role: "admin" },
  viewer: { accountName: "Acme Health", email: "viewer@acme.test", name: "Vera Viewer", role: "viewer" },
  lockout: { accountName: "Acme Health", email: "lockout@acme.test", name: "Lena Lockout", role: "admin" },
  signout: { accountName: "Acme Health", email: "signout@acme.test", name: "Sam Signout", role: "viewer" },
  standard: { accountName: "Basic Clinic", plan: "standard", email: "owner@basic.test", name: "Bob Basic", role: "owner" },
  // One account per console area, so specs of different areas never see each other's data.
  webhookOwner: { accountName: "Webhook Works", plan: "enterprise", email: "owner@webhook.test", name: "Wendy Webhook", role: "owner" },
  webhookViewer: { accountName: "Webhook Works", email: "viewer@webhook.test", name: "Walt Viewer", role: "viewer" },
  logOwner: { accountName: "Event Log Ltd", plan: "enterprise", email: "owner@eventlog.test", name: "Liam Log", role: "owner" },
  logViewer: { accountName: "Event Log Ltd", email: "viewer@eventlog.test", name: "Lola Viewer", role: "viewer" },
  devicesAdmin: { accountName: "Device Fleet", plan: "enterprise", email: "admin@fleet.test", name: "Dana Devices", role: "admin" },
  devicesViewer: { accountName: "Device Fleet", email: "viewer@fleet.test", name: "Dev Viewer", role: "viewer" },
  usersOwner: { accountName: "People Inc", plan: "enterprise", email: "owner@people.test", name: "Pat People", role: "owner" },
  usersAdmin: { accountName: "People Inc", email: "admin@people.test", name: "Abe Admin", role: "admin" },
  journeyOwner: { accountName: "Journey Health", plan: "enterprise", email: "owner@journey.test", name: "Jo Journey", role: "owner" },
  tokensOwner: { accountName: "Token Shop", plan: "enterprise", email: "owner@tokens.test", name: "Tara Tokens", role: "owner" },
  tokensViewer: { accountName: "Token Shop", email: "viewer@tokens.test", name: "Theo Viewer", role: "viewer" },
  kitOwner: { accountName: "Vendor Kit Co", plan: "enterprise", email: "owner@kit.test", name: "Kim Kit", role: "owner" },
  stopOwner: { accountName: "Rolling Deploys", plan: "enterprise", email: "owner@deploys.test", name: "Rory Restart", role: "owner" },
  // An account that never gets a token, for the empty state.
  tokensFresh: { accountName: "Tokenless Trust", plan: "standard", email: "owner@tokenless.test", name: "Flo Fresh", role: "owner" },
} satisfies Record<string, NewUser>;

export async function createE2eFixtures(): Promise<E2eFixtures> {
  const users = {} as E2eFixtures["users"];
  for (const [key, input] of Object.entries(USERS)) {
    const { password, accountId } = await createUserWithAccount(input, "e2e-setup");
    users[key as keyof typeof USERS] = { email: input.email, password, name: input.name, accountId };
  }
  const devices = [
    { deviceId: "E2E-LAPTOP-1", name: "Test laptop", platform: "Windows 11", status: "compliant" },
    { deviceId: "E2E-PHONE-1", name: "Test phone", platform: "iOS 18", status: "non_compliant" },
    { deviceId: "<img src=x onerror=alert(1)>", name: "<script>alert('xss')</script>", platform: "Linux", status: "installed" },
  ] as const;
  for (const device of devices) {
    await createDevice(users.owner.accountId, device, "e2e-setup");
    if (device.status !== "installed") await changeDeviceStatus(users.owner.accountId, device.deviceId, device.status, "e2e-setup");
  }
  await db.$disconnect();
  return { users };
}
