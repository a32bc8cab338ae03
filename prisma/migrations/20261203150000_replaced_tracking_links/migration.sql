-- CreateTable
CREATE TABLE "ReplacedTrackingLink" (
    "tokenHash" VARCHAR(64) NOT NULL,
    "appealId" UUID NOT NULL,
    "replacedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReplacedTrackingLink_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateIndex
CREATE INDEX "ReplacedTrackingLink_appealId_idx" ON "ReplacedTrackingLink"("appealId");

-- AddForeignKey
ALTER TABLE "ReplacedTrackingLink" ADD CONSTRAINT "ReplacedTrackingLink_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;
