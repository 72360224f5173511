-- CreateTable
CREATE TABLE "webhook_integrations" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account_id" TEXT NOT NULL,
    "callback_url" TEXT NOT NULL,
    "api_key_encrypted" TEXT NOT NULL,
    "api_key_last4" TEXT NOT NULL,
    "events" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "disabled_reason" TEXT,
    "disabled_at" DATETIME,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "signing_secret_encrypted" TEXT NOT NULL,
    "previous_secret_encrypted" TEXT,
    "previous_secret_expires_at" DATETIME,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,
    CONSTRAINT "webhook_integrations_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "device_events" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "previous_status" TEXT,
    "status" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "occurred_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account_id" TEXT NOT NULL,
    "device_event_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "occurred_at" DATETIME NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "push_id" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "notifications_device_event_id_fkey" FOREIGN KEY ("device_event_id") REFERENCES "device_events" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "pushes" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "account_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'delivery',
    "redelivery_of_id" TEXT,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "body" TEXT NOT NULL,
    "item_count" INTEGER NOT NULL,
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME,
    "lease_expires_at" DATETIME,
    "last_status_code" INTEGER,
    "last_error_class" TEXT,
    "last_duration_ms" INTEGER,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" DATETIME
);

-- CreateTable
CREATE TABLE "push_items" (
    "push_id" TEXT NOT NULL,
    "notification_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,

    PRIMARY KEY ("push_id", "notification_id"),
    CONSTRAINT "push_items_push_id_fkey" FOREIGN KEY ("push_id") REFERENCES "pushes" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "push_items_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "push_attempts" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "push_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "started_at" DATETIME NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "error_class" TEXT,
    "error_message" TEXT,
    "request_headers" TEXT NOT NULL,
    "response_body" TEXT,
    CONSTRAINT "push_attempts_push_id_fkey" FOREIGN KEY ("push_id") REFERENCES "pushes" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_integrations_account_id_key" ON "webhook_integrations"("account_id");

-- CreateIndex
CREATE INDEX "device_events_account_id_occurred_at_idx" ON "device_events"("account_id", "occurred_at");

-- CreateIndex
CREATE INDEX "device_events_account_id_device_id_occurred_at_idx" ON "device_events"("account_id", "device_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_device_event_id_key" ON "notifications"("device_event_id");

-- CreateIndex
CREATE INDEX "notifications_state_created_at_idx" ON "notifications"("state", "created_at");

-- CreateIndex
CREATE INDEX "notifications_account_id_state_idx" ON "notifications"("account_id", "state");

-- CreateIndex
CREATE INDEX "pushes_account_id_id_idx" ON "pushes"("account_id", "id");

-- CreateIndex
CREATE INDEX "pushes_account_id_state_idx" ON "pushes"("account_id", "state");

-- CreateIndex
CREATE INDEX "pushes_state_next_attempt_at_idx" ON "pushes"("state", "next_attempt_at");

-- CreateIndex
CREATE INDEX "push_items_device_id_idx" ON "push_items"("device_id");

-- CreateIndex
CREATE INDEX "push_attempts_push_id_number_idx" ON "push_attempts"("push_id", "number");

-- CreateIndex
CREATE INDEX "push_attempts_account_id_started_at_idx" ON "push_attempts"("account_id", "started_at");
