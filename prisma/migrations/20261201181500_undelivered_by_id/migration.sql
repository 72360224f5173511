-- Written by hand, as the partial index's WHERE clause is (see the comments in schema.prisma).
-- Undelivered notifications by account, state and id: a dispatcher takes an account's oldest pending
-- notifications in id order (time-ordered ids) from the index alone. By created_at, those written in
-- one transaction share a time, and each read sorted all of them to take the first few.

-- DropIndex
DROP INDEX "notifications_undelivered_idx";

-- CreateIndex
CREATE INDEX "notifications_undelivered_idx" ON "notifications"("account_id", "state", "id") WHERE state = 'pending' OR state = 'queued' OR state = 'held' OR state = 'failed';
