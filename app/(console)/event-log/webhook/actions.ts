"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { RedeliverState } from "@/components/event-log/redeliver-form";
import { authorizeSettingsChange } from "@/lib/auth/session";
import type { FormState } from "@/lib/form-state";
import { isPushId, parseFilterTime, TIME_FORMAT_MESSAGE } from "@/lib/webhooks/event-log";
import { PushNotFoundError, PushNotRedeliverableError, redeliverPush, redeliverSince } from "@/lib/webhooks/pushes";

const redeliverSchema = z.object({ pushId: z.string().refine(isPushId) });

// Redelivers one push of the signed-in user's account as a new push linked to it (owners and admins).
export async function redeliverPushAction(_previous: RedeliverState, formData: FormData): Promise<RedeliverState> {
  const parsed = redeliverSchema.safeParse({ pushId: formData.get("pushId") });
  if (!parsed.success) return { status: "error", message: "This push does not exist in this account." };
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  let redeliveryId: string;
  try {
    redeliveryId = await redeliverPush(user.account.id, parsed.data.pushId, user.email);
  } catch (failure) {
    if (failure instanceof PushNotFoundError) return { status: "error", message: "This push does not exist in this account." };
    if (failure instanceof PushNotRedeliverableError) return { status: "error", message: failure.message };
    throw failure;
  }
  revalidatePath("/event-log/webhook", "layout");
  return { status: "success", message: `Redelivery queued as a new push, ${redeliveryId}.`, redeliveryId };
}

const sinceSchema = z.object({
  since: z
    .string({ error: "Enter a date and time." })
    .trim()
    .min(1, "Enter a date and time.")
    .transform((value, context) => {
      const time = parseFilterTime(value, "start");
      if (!time) context.addIssue({ code: "custom", message: TIME_FORMAT_MESSAGE });
      else if (time.getTime() > Date.now()) context.addIssue({ code: "custom", message: "Pick a time in the past." });
      return time ?? z.NEVER;
    }),
});

// Redelivers every failed or held push of the account created since a time (owners and admins).
export async function redeliverSinceAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = sinceSchema.safeParse({ since: formData.get("since") });
  if (!parsed.success) return { status: "error", message: "Check the highlighted field.", fieldErrors: z.flattenError(parsed.error).fieldErrors };
  const { user, error } = await authorizeSettingsChange();
  if (error) return error;
  const since = parsed.data.since;
  const count = await redeliverSince(user.account.id, since, user.email);
  if (count === 0) return { status: "success", message: "Nothing to redeliver: no failed or held push since then is waiting for a redelivery." };
  revalidatePath("/event-log/webhook", "layout");
  return { status: "success", message: `${count} ${count === 1 ? "push" : "pushes"} queued for redelivery. They appear at the top of the log.` };
}
