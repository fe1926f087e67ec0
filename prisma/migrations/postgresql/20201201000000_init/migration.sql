-- CreateTable
CREATE TABLE "Enterprise" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "town" TEXT NOT NULL,
    "park" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "digitization" DOUBLE PRECISION NOT NULL,
    "employees" INTEGER NOT NULL,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "devicesJson" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "Enterprise_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Gateway" (
    "id" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "lastSeq" BIGINT NOT NULL DEFAULT 0,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "lastSeen" BIGINT NOT NULL DEFAULT 0,
    "secretHash" TEXT,

    CONSTRAINT "Gateway_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DailySales" (
    "day" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL DEFAULT 0,
    "orders" BIGINT NOT NULL DEFAULT 0,
    "pieces" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "DailySales_pkey" PRIMARY KEY ("day","channel","category")
);

-- CreateTable
CREATE TABLE "DailyProduction" (
    "day" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "good" BIGINT NOT NULL DEFAULT 0,
    "defective" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "DailyProduction_pkey" PRIMARY KEY ("day","category")
);

-- CreateTable
CREATE TABLE "EnterpriseDay" (
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

    CONSTRAINT "EnterpriseDay_pkey" PRIMARY KEY ("enterpriseId","day")
);

-- CreateTable
CREATE TABLE "IngestCounter" (
    "name" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "IngestCounter_pkey" PRIMARY KEY ("name")
);
