-- Staff queue and case page at 100 000 appeals (see npm run bench).

-- AlterTable
-- Edited by hand: the domain of the new email is a generated column, so every appeal has it
-- (whoever inserts it) and the app never writes it. Prisma sees a plain nullable column.
ALTER TABLE "Appeal" ADD COLUMN     "newEmailDomain" VARCHAR(254) GENERATED ALWAYS AS (split_part("newEmail", '@', 2)) STORED;

-- CreateIndex
CREATE INDEX "Appeal_newEmailDomain_idx" ON "Appeal"("newEmailDomain");

-- CreateIndex
CREATE INDEX "Appeal_givenUid_idx" ON "Appeal"("givenUid");

-- CreateIndex
CREATE INDEX "Appeal_givenOldEmail_idx" ON "Appeal"("givenOldEmail");
