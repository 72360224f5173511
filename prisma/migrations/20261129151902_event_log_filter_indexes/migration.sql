-- Event Log > Webhook at a million attempts (bench scenario event-log): each result filter reads its
-- pushes newest first from (account, state, id); the HTTP status filters are checked in the
-- (account, id, ...) index instead of fetching every push of a large account; the device filter
-- reads a device's pushes from (device, push) instead of scanning the account's log.

-- DropIndex
DROP INDEX "push_items_device_id_idx";

-- DropIndex
DROP INDEX "pushes_account_id_state_idx";

-- DropIndex
DROP INDEX "pushes_account_id_id_idx";

-- CreateIndex
CREATE INDEX "push_items_device_id_push_id_idx" ON "push_items"("device_id", "push_id");

-- CreateIndex
CREATE INDEX "pushes_account_id_id_last_status_code_attempt_count_idx" ON "pushes"("account_id", "id", "last_status_code", "attempt_count");

-- CreateIndex
CREATE INDEX "pushes_account_id_state_id_idx" ON "pushes"("account_id", "state", "id");
