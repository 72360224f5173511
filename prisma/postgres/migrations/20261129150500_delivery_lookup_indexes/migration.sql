-- The dispatcher settles notifications by the push that carries them, and finds a notification's
-- pushes when forming and redelivering: without these, each lookup scanned the whole table.

-- CreateIndex
CREATE INDEX "notifications_push_id_idx" ON "notifications"("push_id");

-- CreateIndex
CREATE INDEX "push_items_notification_id_idx" ON "push_items"("notification_id");
