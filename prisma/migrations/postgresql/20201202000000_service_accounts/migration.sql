-- CreateTable
CREATE TABLE "ServiceAccount" (
    "username" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,

    CONSTRAINT "ServiceAccount_pkey" PRIMARY KEY ("username")
);
