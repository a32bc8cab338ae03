-- CreateIndex
CREATE INDEX "Appeal_unassigned_status_slaDueAt_id_idx" ON "Appeal"("status", "slaDueAt", "id") WHERE ("assigneeId" IS NULL);
