-- AlterEnum
ALTER TYPE "AppealStatus" ADD VALUE 'CANCELLED_BY_OWNER';

-- AlterTable
ALTER TABLE "Account" ALTER COLUMN "passwordHash" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Appeal" ADD COLUMN     "handedOverAt" TIMESTAMP(3),
ADD COLUMN     "handoverAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "SecurityNoticeToken" ADD COLUMN     "appealId" UUID;

-- CreateTable
CREATE TABLE "AppealStopToken" (
    "id" UUID NOT NULL,
    "tokenHash" VARCHAR(64) NOT NULL,
    "appealId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "AppealStopToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AppealStopToken_tokenHash_key" ON "AppealStopToken"("tokenHash");

-- CreateIndex
CREATE INDEX "AppealStopToken_appealId_idx" ON "AppealStopToken"("appealId");

-- CreateIndex
CREATE INDEX "Appeal_priority_status_slaDueAt_id_idx" ON "Appeal"("status", "slaDueAt", "id") WHERE (priority > 0);

-- CreateIndex
CREATE INDEX "Appeal_handover_due_idx" ON "Appeal"("handoverAt") WHERE ("handedOverAt" IS NULL AND "handoverAt" IS NOT NULL);

-- AddForeignKey
ALTER TABLE "AppealStopToken" ADD CONSTRAINT "AppealStopToken_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;
