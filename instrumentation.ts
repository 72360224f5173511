// Starts the webhook dispatcher inside the web process (Node.js runtime only), unless
// DISPATCHER_IN_PROCESS=false because separate `npm run worker` processes deliver instead.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startInProcessDelivery } = await import("@/lib/webhooks/process");
  startInProcessDelivery();
}
