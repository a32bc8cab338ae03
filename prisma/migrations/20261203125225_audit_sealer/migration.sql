-- Audit events are chained by a sealer behind the writers, not under one lock by every writer (issue 26).

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "seq" BIGINT;

-- Edited by hand: events chained before this migration keep their chain, in id order, as positions 1…n.
UPDATE "AuditEvent" e SET "seq" = o.n FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS n FROM "AuditEvent" WHERE "hash" IS NOT NULL) o WHERE o."id" = e."id";

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");

-- CreateIndex
CREATE INDEX "AuditEvent_unsealed_idx" ON "AuditEvent"("id") WHERE (seq IS NULL);
