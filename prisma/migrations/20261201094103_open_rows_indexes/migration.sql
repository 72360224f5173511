-- Written by hand: the WHERE clauses of the partial indexes (see the comments in schema.prisma).
-- Indexes of rows still to be delivered: a delivered notification and a finished push leave them
-- instead of moving within them, one index write fewer each.

-- DropIndex
DROP INDEX "notifications_account_id_state_created_at_idx";

-- DropIndex
DROP INDEX "notifications_state_created_at_idx";

-- DropIndex
DROP INDEX "pushes_state_next_attempt_at_account_id_idx";

-- CreateIndex
CREATE INDEX "notifications_undelivered_idx" ON "notifications"("account_id", "state", "created_at") WHERE state = 'pending' OR state = 'queued' OR state = 'held' OR state = 'failed';

-- CreateIndex
CREATE INDEX "notifications_created_at_idx" ON "notifications"("created_at");

-- CreateIndex
CREATE INDEX "pushes_due_idx" ON "pushes"("state", "next_attempt_at", "account_id") WHERE next_attempt_at IS NOT NULL;
