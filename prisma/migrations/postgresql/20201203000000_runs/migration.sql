-- Figures are kept per simulator run: a reset or a new scenario starts from zero, old runs stay
-- stored but are never added to the live figures. Rows written before runs existed belong to run ''.

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "scenario" TEXT,
    "seed" INTEGER,
    "startedTs" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "Gateway" ADD COLUMN "run" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "DailySales" ADD COLUMN "run" TEXT NOT NULL DEFAULT '';
ALTER TABLE "DailySales" DROP CONSTRAINT "DailySales_pkey";
ALTER TABLE "DailySales" ADD CONSTRAINT "DailySales_pkey" PRIMARY KEY ("run", "day", "channel", "category");

-- AlterTable
ALTER TABLE "DailyProduction" ADD COLUMN "run" TEXT NOT NULL DEFAULT '';
ALTER TABLE "DailyProduction" DROP CONSTRAINT "DailyProduction_pkey";
ALTER TABLE "DailyProduction" ADD CONSTRAINT "DailyProduction_pkey" PRIMARY KEY ("run", "day", "category");

-- AlterTable
ALTER TABLE "EnterpriseDay" ADD COLUMN "run" TEXT NOT NULL DEFAULT '';
ALTER TABLE "EnterpriseDay" DROP CONSTRAINT "EnterpriseDay_pkey";
ALTER TABLE "EnterpriseDay" ADD CONSTRAINT "EnterpriseDay_pkey" PRIMARY KEY ("run", "enterpriseId", "day");
