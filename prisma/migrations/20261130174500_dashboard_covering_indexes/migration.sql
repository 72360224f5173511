-- The dashboard's 24-hour figures read every settled push and attempt of the day: with the push's kind
-- and the attempt's status, error class and duration in these indexes, they are read from the index alone.

-- DropIndex
DROP INDEX "push_attempts_account_id_started_at_idx";

-- DropIndex
DROP INDEX "pushes_account_id_state_id_idx";

-- CreateIndex
CREATE INDEX "push_attempts_account_id_started_at_status_code_error_class_duration_ms_idx" ON "push_attempts"("account_id", "started_at", "status_code", "error_class", "duration_ms");

-- CreateIndex
CREATE INDEX "pushes_account_id_state_id_kind_idx" ON "pushes"("account_id", "state", "id", "kind");
