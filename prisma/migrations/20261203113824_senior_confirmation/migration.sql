-- AlterTable
ALTER TABLE "Staff" ADD COLUMN     "seniorRequestedAt" TIMESTAMP(3),
ADD COLUMN     "seniorRequestedById" UUID;

-- AddForeignKey
ALTER TABLE "Staff" ADD CONSTRAINT "Staff_seniorRequestedById_fkey" FOREIGN KEY ("seniorRequestedById") REFERENCES "Staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;
