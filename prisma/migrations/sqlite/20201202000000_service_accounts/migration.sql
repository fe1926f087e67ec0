-- CreateTable
CREATE TABLE "ServiceAccount" (
    "username" TEXT NOT NULL PRIMARY KEY,
    "role" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL
);
