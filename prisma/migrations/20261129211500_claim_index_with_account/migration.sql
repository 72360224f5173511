-- A claim reads due pushes in (state, next_attempt_at) order and skips the accounts already at their
-- sending limit: with the account in the index, a skipped push costs an index entry, not a row lookup.

-- DropIndex
DROP INDEX "pushes_state_next_attempt_at_idx";

-- CreateIndex
CREATE INDEX "pushes_state_next_attempt_at_account_id_idx" ON "pushes"("state", "next_attempt_at", "account_id");
