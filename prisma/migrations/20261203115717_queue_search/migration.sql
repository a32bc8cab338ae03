-- The queue's searches by a prefix of a case number, its number part, an email (issue 24).

-- DropIndex
DROP INDEX "Appeal_givenOldEmail_idx";

-- DropIndex
DROP INDEX "Appeal_newEmail_idx";

-- AlterTable
-- Edited by hand: the number part of the case number is a generated column (as newEmailDomain is), so
-- every appeal has it and the app never writes it. Prisma sees a plain nullable column.
ALTER TABLE "Appeal" ADD COLUMN     "caseSeq" VARCHAR(6) GENERATED ALWAYS AS (split_part("caseNumber", '-', 3)) STORED;

-- CreateIndex
CREATE INDEX "Appeal_newEmail_idx" ON "Appeal"("newEmail" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "Appeal_givenOldEmail_idx" ON "Appeal"("givenOldEmail" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "Appeal_caseNumber_prefix_idx" ON "Appeal"("caseNumber" varchar_pattern_ops);

-- CreateIndex
CREATE INDEX "Appeal_caseSeq_idx" ON "Appeal"("caseSeq" varchar_pattern_ops);
