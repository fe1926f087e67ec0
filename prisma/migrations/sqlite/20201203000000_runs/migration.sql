-- Figures are kept per simulator run: a reset or a new scenario starts from zero, old runs stay
-- stored but are never added to the live figures. Rows written before runs existed belong to run ''.

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "ordinal" INTEGER NOT NULL,
    "scenario" TEXT,
    "seed" INTEGER,
    "startedTs" BIGINT NOT NULL DEFAULT 0
);

-- AlterTable
ALTER TABLE "Gateway" ADD COLUMN "run" TEXT NOT NULL DEFAULT '';

-- RedefineTables (SQLite cannot change a primary key in place)
CREATE TABLE "new_DailySales" (
    "run" TEXT NOT NULL DEFAULT '',
    "day" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL DEFAULT 0,
    "orders" BIGINT NOT NULL DEFAULT 0,
    "pieces" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("run", "day", "channel", "category")
);
INSERT INTO "new_DailySales" ("run", "day", "channel", "category", "amountFen", "orders", "pieces")
    SELECT '', "day", "channel", "category", "amountFen", "orders", "pieces" FROM "DailySales";
DROP TABLE "DailySales";
ALTER TABLE "new_DailySales" RENAME TO "DailySales";

CREATE TABLE "new_DailyProduction" (
    "run" TEXT NOT NULL DEFAULT '',
    "day" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "good" BIGINT NOT NULL DEFAULT 0,
    "defective" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("run", "day", "category")
);
INSERT INTO "new_DailyProduction" ("run", "day", "category", "good", "defective")
    SELECT '', "day", "category", "good", "defective" FROM "DailyProduction";
DROP TABLE "DailyProduction";
ALTER TABLE "new_DailyProduction" RENAME TO "DailyProduction";

CREATE TABLE "new_EnterpriseDay" (
    "run" TEXT NOT NULL DEFAULT '',
    "enterpriseId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "salesFen" BIGINT NOT NULL DEFAULT 0,
    "good" BIGINT NOT NULL DEFAULT 0,
    "defective" BIGINT NOT NULL DEFAULT 0,
    "energyWh" BIGINT NOT NULL DEFAULT 0,
    "plannedMs" BIGINT NOT NULL DEFAULT 0,
    "runMs" BIGINT NOT NULL DEFAULT 0,
    "idealMs" BIGINT NOT NULL DEFAULT 0,
    "deviceGood" BIGINT NOT NULL DEFAULT 0,
    "deviceDefect" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("run", "enterpriseId", "day")
);
INSERT INTO "new_EnterpriseDay" ("run", "enterpriseId", "day", "salesFen", "good", "defective", "energyWh", "plannedMs", "runMs", "idealMs", "deviceGood", "deviceDefect")
    SELECT '', "enterpriseId", "day", "salesFen", "good", "defective", "energyWh", "plannedMs", "runMs", "idealMs", "deviceGood", "deviceDefect" FROM "EnterpriseDay";
DROP TABLE "EnterpriseDay";
ALTER TABLE "new_EnterpriseDay" RENAME TO "EnterpriseDay";
