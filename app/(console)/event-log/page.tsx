import { redirect } from "next/navigation";

export default function EventLogIndex() {
  redirect("/event-log/webhook");
}
