// Domain errors of the services, mapped once to API problems.
import "server-only";
import { ZodError } from "zod";
import { ApiTokenNotFoundError } from "@/lib/api-tokens";
import { DeviceExistsError, DeviceNotFoundError } from "@/lib/device-events";
import { PushNotFoundError, PushNotRedeliverableError } from "@/lib/webhooks/pushes";
import { WebhookSettingsError } from "@/lib/webhooks/settings";
import { ApiProblem, fieldErrors } from "./problem";

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

// The problem for a known error, or null for an unexpected one (a 500 the wrapper logs).
export function problemFor(error: unknown): ApiProblem | null {
  if (error instanceof ApiProblem) return error;
  if (error instanceof DeviceNotFoundError) return new ApiProblem(404, "device_not_found", error.message);
  if (error instanceof DeviceExistsError) return new ApiProblem(409, "device_exists", error.message);
  if (error instanceof PushNotFoundError) return new ApiProblem(404, "push_not_found", error.message);
  if (error instanceof PushNotRedeliverableError) return new ApiProblem(409, "push_not_redeliverable", error.message);
  if (error instanceof ApiTokenNotFoundError) return new ApiProblem(404, "api_token_not_found", error.message);
  if (error instanceof WebhookSettingsError) {
    if (error.code === "plan_required") return new ApiProblem(403, "plan_required", error.message);
    if (error.code === "not_configured") return new ApiProblem(409, "webhook_not_configured", error.message);
    const errors = error.field ? [{ pointer: `/${snakeCase(error.field)}`, detail: error.message }] : undefined;
    return new ApiProblem(422, "validation_failed", error.message, errors);
  }
  // A service's own schema refused what the API schema let through: still the caller's input.
  if (error instanceof ZodError) {
    const errors = fieldErrors(error, "body").map((field) => ({ ...field, pointer: field.pointer && snakeCase(field.pointer) }));
    return new ApiProblem(422, "validation_failed", "The request body is not valid; see errors.", errors);
  }
  return null;
}
