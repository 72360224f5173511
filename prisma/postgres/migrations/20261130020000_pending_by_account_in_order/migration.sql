-- Forming reads an account's pending notifications oldest first: with created_at in the account's
-- index that is a range read in order, where SQLite walked every pending row of every account.

-- DropIndex
DROP INDEX "notifications_account_id_state_idx";

-- CreateIndex
CREATE INDEX "notifications_account_id_state_created_at_idx" ON "notifications"("account_id", "state", "created_at");
