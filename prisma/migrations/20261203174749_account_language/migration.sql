-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "language" VARCHAR(10);
