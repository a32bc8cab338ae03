-- The queue's searches by a prefix of a case number, its number part, an email (issue 24).
-- Edited by hand: the indexes use text_pattern_ops, so LIKE 'x%' uses them under any collation
-- (Prisma's schema declares them plainly: its engine does not read operator classes of B-tree indexes back).

-- DropIndex
DROP INDEX "Appeal_givenOldEmail_idx";

-- DropIndex
DROP INDEX "Appeal_newEmail_idx";

-- AlterTable
-- Edited by hand: the number part of the case number is a generated column (as newEmailDomain is), so
-- every appeal has it and the app never writes it. Prisma sees a plain nullable column.
ALTER TABLE "Appeal" ADD COLUMN     "caseSeq" VARCHAR(6) GENERATED ALWAYS AS (split_part("caseNumber", '-', 3)) STORED;

-- CreateIndex
CREATE INDEX "Appeal_newEmail_idx" ON "Appeal"("newEmail" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Appeal_givenOldEmail_idx" ON "Appeal"("givenOldEmail" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Appeal_caseNumber_prefix_idx" ON "Appeal"("caseNumber" text_pattern_ops);

-- CreateIndex
CREATE INDEX "Appeal_caseSeq_idx" ON "Appeal"("caseSeq" text_pattern_ops);
